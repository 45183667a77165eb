/** Size limits of co-edited documents, shared by server and editor (README documents them). */
export const MAX_UPDATE_BYTES = 1024 * 1024;
export const MAX_DOCUMENT_BYTES = 2 * 1024 * 1024;
/** Updates a client may send per second on average, and in one burst. */
export const UPDATE_RATE_PER_SECOND = 30;
export const UPDATE_BURST = 120;
