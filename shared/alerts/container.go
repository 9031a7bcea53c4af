package alerts

import (
	"archive/tar"
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
)

// tar reads every regular file of a tar stream as an alert file.
func (rd *reader) tar(r io.Reader, name string, depth int) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read alerts: %sread tar: %w", where(name), err)
		}
		if h.Typeflag != tar.TypeReg || skipMember(h.Name) {
			continue
		}
		if err := rd.stream(tr, path.Join(name, h.Name), depth); err != nil {
			return err
		}
	}
}

// zip reads every file of a zip archive as an alert file. A zip is read
// from its end, so the stream is first copied to a temporary file: memory
// stays flat whatever the archive's size.
func (rd *reader) zip(r io.Reader, name string, depth int) error {
	tmp, err := os.CreateTemp("", "soccrates-alerts-*.zip")
	if err != nil {
		return fmt.Errorf("read alerts: %sspool zip: %w", where(name), err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	size, err := io.Copy(tmp, r)
	if err != nil {
		return fmt.Errorf("read alerts: %sspool zip: %w", where(name), err)
	}
	zr, err := zip.NewReader(tmp, size)
	if err != nil {
		return fmt.Errorf("read alerts: %sread zip: %w", where(name), err)
	}
	for _, f := range zr.File {
		if f.FileInfo().IsDir() || skipMember(f.Name) {
			continue
		}
		if err := rd.zipMember(f, path.Join(name, f.Name), depth); err != nil {
			return err
		}
	}
	return nil
}

func (rd *reader) zipMember(f *zip.File, name string, depth int) error {
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("read alerts: %s: open zip member: %w", name, err)
	}
	defer rc.Close()
	return rd.stream(rc, name, depth)
}

// skipMember leaves out the metadata files archivers add (macOS resource
// forks, hidden files).
func skipMember(name string) bool {
	base := path.Base(name)
	return len(base) == 0 || base[0] == '.' || path.Dir(name) == "__MACOSX" || len(name) > 9 && name[:9] == "__MACOSX/"
}
