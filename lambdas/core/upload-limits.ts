/**
 * The size limits of what staff send, on their own: the ingest and the template check
 * enforce them, and the presigned POSTs of the pages fix them in their policies. Kept in
 * a module without imports so the web function does not bundle the readers.
 */

/**
 * Largest upload accepted: 20 MiB. The template filled in for a whole committee is well
 * under 1 MiB; anything near this limit is images or stray formatting. The ingest checks
 * the S3 event's size against it before downloading; `parseUpload` checks it again.
 */
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

/**
 * Largest uploaded template: 20 MiB. The default template is about 15 KB; a committee's
 * with a logo or two stays well under 1 MB. Beyond this nothing is read.
 */
export const MAX_TEMPLATE_BYTES = 20 * 1024 * 1024;
