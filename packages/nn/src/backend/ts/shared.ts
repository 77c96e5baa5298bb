type TypedArrayClass<T> = { new (buffer: ArrayBufferLike): T; readonly BYTES_PER_ELEMENT: number };

/**
 * A zeroed typed array over a SharedArrayBuffer: the resident data set, θ, minibatch rows and shard partials live
 * in shared memory, so worker threads read and write them without copies.
 */
export function sharedArray<T>(Type: TypedArrayClass<T>, length: number): T {
  return new Type(new SharedArrayBuffer(length * Type.BYTES_PER_ELEMENT));
}

/** The same over an ordinary ArrayBuffer (data only the calling thread reads). */
export function plainArray<T>(Type: TypedArrayClass<T>, length: number): T {
  return new Type(new ArrayBuffer(length * Type.BYTES_PER_ELEMENT));
}
