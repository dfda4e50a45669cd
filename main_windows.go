//go:build windows

package main

import (
	"os"

	"golang.org/x/sys/windows"
)

// ykt.exe is linked as a GUI program (-H windowsgui), so the Start menu's workbench, kiosk and
// display open no console window. A GUI program gets no standard handles when started from a
// console, so `ykt --help`, `ykt bench sync` and the other commands attach to the console of
// the shell that started them. Redirected handles (a pipe, a file, Wine's Unix descriptors)
// are valid already and are kept.
func init() {
	if validStd(windows.STD_OUTPUT_HANDLE) && validStd(windows.STD_ERROR_HANDLE) {
		return
	}
	const attachParentProcess = ^uintptr(0) // ATTACH_PARENT_PROCESS (DWORD)-1
	attach := windows.NewLazySystemDLL("kernel32.dll").NewProc("AttachConsole")
	if ok, _, _ := attach.Call(attachParentProcess); ok == 0 {
		return // started from Explorer or the Start menu: no console, nothing to print to
	}
	out, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0)
	if err != nil {
		return
	}
	if !validStd(windows.STD_OUTPUT_HANDLE) {
		os.Stdout = out
	}
	if !validStd(windows.STD_ERROR_HANDLE) {
		os.Stderr = out
	}
}

// validStd says whether the process already has a usable standard handle h.
func validStd(h uint32) bool {
	fd, err := windows.GetStdHandle(h)
	if err != nil || fd == 0 || fd == windows.InvalidHandle {
		return false
	}
	_, err = windows.GetFileType(fd)
	return err == nil
}
