// Package photo owns a problem's photo evidence: report, before, after and
// recheck photos uploaded as multipart, their content-addressed storage
// (Store; DirStore under the -photo-dir directory, an S3-compatible store
// can sit behind the same interface), what is checked before anything is
// kept (the type sniffed from the bytes, never from the file name or the
// part's Content-Type; a byte limit; a pixel limit read from the header
// before decoding, so a decompression bomb is refused without being
// decoded), the three copies made once at upload (the original for staff,
// with its EXIF and GPS; a public copy with every metadata segment
// stripped; a JPEG thumbnail), serving them with immutable caching and an
// ETag, and the category rule that asks for an `after` photo before resolve
// and a `recheck` photo before a look-back is recorded (photo_rules; the
// row without a category is the default).
//
// An upload is all or nothing: the image is checked and its copies made in
// memory first; then the row is inserted and the files written (fsynced,
// renamed into place) inside one transaction, and files this upload created
// are removed again if the transaction does not commit.
package photo
