/**
 * The ZIP record layout (PKWARE APPNOTE) shared by the reader that checks uploaded
 * workbooks (parse/zip.ts) and the writer of the .docx output (docx-zip.ts).
 */
export const SIG_LOCAL = 0x04034b50;
export const SIG_CENTRAL = 0x02014b50;
export const SIG_EOCD = 0x06054b50;
export const SIG_ZIP64_LOCATOR = 0x07064b50;
/** Fixed sizes of the records, before their variable-length name, extra and comment fields. */
export const LOCAL_SIZE = 30;
export const CENTRAL_SIZE = 46;
export const EOCD_SIZE = 22;
export const FLAG_ENCRYPTED = 0x0001;
/** General-purpose flag bit 11: the entry's name is UTF-8. */
export const FLAG_UTF8 = 0x0800;
