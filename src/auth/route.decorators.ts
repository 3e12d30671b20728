import { applyDecorators, Get, HttpCode, HttpStatus, Patch, Post, type Type } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';

import { ApiErrors, type ApiErrorDescriptions } from '../core/http/api-errors.decorator.js';
import { Authenticated, MANAGER_ROLES, WRITER_ROLES, type AuthRequirements } from './auth.decorators.js';

/**
 * The stacks that several routes share to the letter, one decorator each: what is left on a route is
 * what is its own (path, response type, the sentences of its errors).
 */

/** What a route answers with 200 and, where it says more than the type, in a sentence. */
export interface OkAnswer {
  type: Type<unknown>;
  description?: string;
}

function ok({ type, description }: OkAnswer) {
  return ApiOkResponse(description === undefined ? { type } : { type, description });
}

/**
 * `GET /` for any member (or for `roles`): a page of the resource; a bad filter, sort or page is a 400
 * named in details.
 */
export function ListRoute(
  answer: OkAnswer,
  badRequest: string,
  { roles }: Pick<AuthRequirements, 'roles'> = {},
) {
  return applyDecorators(Get(), Authenticated(roles ? { roles } : {}), ok(answer), ApiErrors({ badRequest }));
}

/** A `GET` of one record (or what hangs on it) for any member; 404 when the caller cannot see it. */
export function ReadRoute(path: string, type: Type<unknown>, notFound: string) {
  return applyDecorators(Get(path), Authenticated(), ok({ type }), ApiErrors({ notFound }));
}

/**
 * A move on one record that answers 200 with the record: `POST` (or `PATCH`) of `path` for `roles`,
 * with the errors that move has.
 */
export function ActionRoute(
  path: string,
  answer: OkAnswer,
  errors: ApiErrorDescriptions,
  {
    method = 'post',
    roles = WRITER_ROLES,
  }: { method?: 'post' | 'patch'; roles?: AuthRequirements['roles'] } = {},
) {
  return applyDecorators(
    method === 'post' ? Post(path) : Patch(path),
    HttpCode(HttpStatus.OK),
    Authenticated({ roles }),
    ok(answer),
    ApiErrors(errors),
  );
}

/** An {@link ActionRoute} for managers and admins only. */
export function ManagerAction(path: string, answer: OkAnswer, errors: ApiErrorDescriptions) {
  return ActionRoute(path, answer, errors, { roles: MANAGER_ROLES });
}
