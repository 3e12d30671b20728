import { ConflictError, NotFoundError } from '../core/http/domain-error.js';

/** Another tenant's user answers exactly like a missing one (docs/architecture.md, Tenancy). */
export class UserNotFoundError extends NotFoundError {
  constructor() {
    super('User');
  }
}

export class TeamNotFoundError extends NotFoundError {
  constructor() {
    super('Team');
  }
}

/** The tenant of a valid token is gone: only possible if it was removed behind the app's back. */
export class TenantNotFoundError extends NotFoundError {
  constructor() {
    super('Tenant');
  }
}

/**
 * The e-mail is already a member of this tenant (POST /users), or already has an account (a superadmin
 * creating a tenant). Never said to a tenant admin about another tenant's user: see UsersService.create.
 */
export class UserExistsError extends ConflictError {
  constructor(field = 'email') {
    super('A user with this e-mail already exists', { fields: [field] });
  }
}

export class SlugTakenError extends ConflictError {
  constructor() {
    super('A tenant with this slug already exists', { fields: ['slug'] });
  }
}

export class TeamNameTakenError extends ConflictError {
  constructor() {
    super('A team with this name already exists', { fields: ['name'] });
  }
}

/** An admin who demotes or deactivates themselves could lock the tenant out by a slip of the hand. */
export class SelfChangeError extends ConflictError {
  constructor(change: 'demote' | 'deactivate' | 'remove') {
    super(`You cannot ${change} yourself; ask another admin`);
  }
}

/** Every tenant keeps at least one active admin, or nobody can manage its users and settings again. */
export class LastAdminError extends ConflictError {
  constructor() {
    super('The last active admin of a tenant cannot be demoted, deactivated or removed');
  }
}

/** A tenant admin may not rename a person who also belongs to other tenants. */
export class SharedUserError extends ConflictError {
  constructor() {
    super('The user also belongs to other tenants; only they or a superadmin can change their name');
  }
}
