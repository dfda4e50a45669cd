// Package pdftest reads back the PDFs the printer package makes (receipts, tickets, guides), for
// tests: their text through poppler's pdftotext, and the font sizes their pages set.
package pdftest

import (
	"bytes"
	"compress/zlib"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

var (
	streamRE = regexp.MustCompile(`(?s)\nstream\n(.*?)\nendstream`)
	tfRE     = regexp.MustCompile(`([0-9.]+) Tf`)
)

// Text is the text of the PDF file at path as pdftotext (poppler-utils) reads it.
func Text(t testing.TB, path string) string {
	t.Helper()
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext (poppler-utils): %v %s", err, out)
	}
	return string(out)
}

// TextOf is Text of a PDF held in memory.
func TextOf(t testing.TB, pdf []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "read.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	return Text(t, path)
}

// FontSizes returns the size of every Tf operator in the PDF's compressed content streams.
func FontSizes(pdf []byte) []float64 {
	var sizes []float64
	for _, m := range streamRE.FindAllSubmatch(pdf, -1) {
		r, err := zlib.NewReader(bytes.NewReader(m[1]))
		if err != nil {
			continue // not a compressed stream
		}
		body, _ := io.ReadAll(r)
		for _, f := range tfRE.FindAllSubmatch(body, -1) {
			s, _ := strconv.ParseFloat(string(f[1]), 64)
			sizes = append(sizes, s)
		}
	}
	return sizes
}
