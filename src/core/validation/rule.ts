import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';

/**
 * A field rule from a predicate: a decorator that reports `message` (or what it makes of the failing
 * value) under the rule's `name`, so a 400 names the field like every other class-validator message.
 */
export function fieldRule(
  name: string,
  validate: (value: unknown, args: ValidationArguments) => boolean,
  message: string | ((args: ValidationArguments) => string),
) {
  return (options?: ValidationOptions): PropertyDecorator =>
    (target: object, propertyKey: string | symbol) =>
      registerDecorator({
        name,
        target: target.constructor,
        propertyName: String(propertyKey),
        options: { message, ...options },
        validator: { validate },
      });
}
