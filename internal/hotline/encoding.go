package hotline

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// Encodings the import reads.
const (
	EncodingUTF8 = "utf-8"
	EncodingGBK  = "gbk"
)

// gbkHint is the advice for a UTF-8 import of a GBK file.
const gbkHint = "the file is GBK-encoded; convert it (iconv -f GBK -t UTF-8) or pass --encoding gbk"

// sniffSize is how much of the file is examined before reading it.
const sniffSize = 64 << 10

// normEncoding names an encoding option in its canonical form.
func normEncoding(e string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(e)) {
	case "", "utf-8", "utf8":
		return EncodingUTF8, nil
	case "gbk", "gb2312", "cp936", "gb18030":
		return EncodingGBK, nil
	}
	return "", fmt.Errorf("encoding %q: want utf-8 or gbk", e)
}

// decoder is the GBK decoder. GB18030 decodes every GBK (and GB2312) byte
// sequence the same way and knows the few characters GBK lacks.
func decoder() *encoding.Decoder { return simplifiedchinese.GB18030.NewDecoder() }

// openText checks the start of r against the encoding and returns a
// reader of UTF-8 text without a byte order mark. A file that is not in
// the encoding is refused with a reason (a *fileError).
func openText(r io.Reader, enc string) (io.Reader, error) {
	br := bufio.NewReaderSize(r, sniffSize)
	head, err := br.Peek(sniffSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, fmt.Errorf("read: %w", err)
	}
	full := err == io.EOF // head is the whole file
	switch {
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return nil, &fileError{reason: "the file is UTF-16 (Excel's \"Unicode text\"); save it as \"CSV UTF-8\""}
	case bytes.HasPrefix(head, []byte("\ufeff")):
		if enc == EncodingGBK {
			return nil, &fileError{reason: "the file starts with a UTF-8 byte order mark: it is UTF-8, not GBK; drop --encoding gbk"}
		}
		br.Discard(3)
		return br, nil
	}
	sample := head
	if !full {
		// whole lines only, so that no character is cut in two
		if i := bytes.LastIndexByte(sample, '\n'); i >= 0 {
			sample = sample[:i+1]
		}
	}
	if enc == EncodingGBK {
		if utf8.Valid(sample) && !ascii(sample) {
			return nil, &fileError{reason: "the file is already UTF-8, not GBK; drop --encoding gbk"}
		}
		return transform.NewReader(br, decoder()), nil
	}
	if !utf8.Valid(sample) {
		return nil, &fileError{line: lineOfInvalid(sample), reason: notUTF8(sample)}
	}
	return br, nil
}

// notUTF8 explains bytes that are not UTF-8: GBK when they read as GBK.
func notUTF8(b []byte) string {
	if isGBK(b) {
		return gbkHint
	}
	return "the file is not UTF-8 (nor GBK): save it as UTF-8"
}

// isGBK reports whether b, which is not UTF-8, decodes as GBK without a
// replacement character.
func isGBK(b []byte) bool {
	out, err := decoder().Bytes(b)
	return err == nil && !bytes.ContainsRune(out, utf8.RuneError)
}

func ascii(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// lineOfInvalid is the 1-based line of the first byte of b that is not
// UTF-8.
func lineOfInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return bytes.Count(b[:i], []byte{'\n'}) + 1
		}
		i += n
	}
	return 0
}
