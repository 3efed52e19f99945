/** For tests of what the engine refuses: the error value a call came back with, checked to be one. */
import { expect } from 'vitest'
import { ApiError } from '../../src-shared/api/errors'

export async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ApiError)
  return error as ApiError
}
