//go:build !windows

package keystore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"

	"github.com/google/go-tpm/tpm2"
	"github.com/google/go-tpm/tpm2/transport"
	"github.com/google/go-tpm/tpm2/transport/linuxtpm"
	"github.com/google/go-tpm/tpm2/transport/linuxudstpm"
)

// defaultTPM is the kernel's TPM resource manager.
const defaultTPM = "/dev/tpmrm0"

// tpmStore seals the key as a TPM keyed-hash object under the TPM's storage root key (the TCG
// ECC P-256 SRK template, re-created from the owner seed on every use, never persisted). The
// slot holds the object's public and private blobs; the private blob is encrypted under the SRK,
// which never leaves this TPM, so the blob opens in this TPM only (fixedTPM, fixedParent). It has
// no PCR policy and an empty auth value: whoever holds the computer itself (a stolen laptop) can
// boot another system on it and unseal; only full-disk encryption protects that case.
// Commands travel in a salted HMAC session with parameter encryption, so the key never crosses
// the bus in clear.
type tpmStore struct{ path string }

func (s *tpmStore) open() (transport.TPMCloser, error) {
	st, err := os.Stat(s.path)
	if err != nil {
		return nil, fmt.Errorf("%w: no TPM at %s", ErrForeign, s.path)
	}
	if st.Mode()&os.ModeSocket != 0 {
		return linuxudstpm.Open(s.path) // a TPM simulator (swtpm) on a unix socket
	}
	return linuxtpm.Open(s.path)
}

// ready says why the TPM cannot keep a key: it does not answer or cannot make its storage root
// key (nil when it can).
func (s *tpmStore) ready() error {
	return s.withSRK(func(transport.TPM, *tpm2.CreatePrimaryResponse) error { return nil })
}

// withSRK opens the TPM, makes its storage root key and runs fn with both, then flushes the key
// and closes the TPM.
func (s *tpmStore) withSRK(fn func(t transport.TPM, srk *tpm2.CreatePrimaryResponse) error) error {
	t, err := s.open()
	if err != nil {
		return err
	}
	defer t.Close()
	srk, err := createSRK(t)
	if err != nil {
		return err
	}
	defer flush(t, srk.ObjectHandle)
	return fn(t, srk)
}

func createSRK(t transport.TPM) (*tpm2.CreatePrimaryResponse, error) {
	rsp, err := tpm2.CreatePrimary{PrimaryHandle: tpm2.TPMRHOwner, InPublic: tpm2.New2B(tpm2.ECCSRKTemplate)}.Execute(t)
	if err != nil {
		return nil, fmt.Errorf("TPM storage root key: %w", err)
	}
	return rsp, nil
}

func flush(t transport.TPM, h tpm2.TPMHandle) { _, _ = tpm2.FlushContext{FlushHandle: h}.Execute(t) }

// session is a salted HMAC session to the SRK with the given parameter encryption.
func session(srk *tpm2.CreatePrimaryResponse, encrypt tpm2.AuthOption) (tpm2.Session, error) {
	pub, err := srk.OutPublic.Contents()
	if err != nil {
		return nil, fmt.Errorf("TPM storage root key: %w", err)
	}
	return tpm2.HMAC(tpm2.TPMAlgSHA256, 16, encrypt, tpm2.Salted(srk.ObjectHandle, *pub)), nil
}

func (s *tpmStore) wrap(_ string, key []byte) (wrapped []byte, err error) {
	err = s.withSRK(func(t transport.TPM, srk *tpm2.CreatePrimaryResponse) error {
		sess, err := session(srk, tpm2.AESEncryption(128, tpm2.EncryptIn))
		if err != nil {
			return err
		}
		rsp, err := tpm2.Create{
			ParentHandle: tpm2.AuthHandle{Handle: srk.ObjectHandle, Name: srk.Name, Auth: tpm2.PasswordAuth(nil)},
			InSensitive: tpm2.TPM2BSensitiveCreate{Sensitive: &tpm2.TPMSSensitiveCreate{
				Data: tpm2.NewTPMUSensitiveCreate(&tpm2.TPM2BSensitiveData{Buffer: key}),
			}},
			InPublic: tpm2.New2B(sealedTemplate),
		}.Execute(t, sess)
		if err != nil {
			return fmt.Errorf("TPM seal: %w", err)
		}
		wrapped = append(tpm2.Marshal(rsp.OutPublic), tpm2.Marshal(rsp.OutPrivate)...)
		return nil
	})
	return wrapped, err
}

// sealedTemplate is a sealed data object: bound to this TPM and this parent, usable with its
// (empty) auth value, outside dictionary-attack lockout.
var sealedTemplate = tpm2.TPMTPublic{
	Type:    tpm2.TPMAlgKeyedHash,
	NameAlg: tpm2.TPMAlgSHA256,
	ObjectAttributes: tpm2.TPMAObject{
		FixedTPM: true, FixedParent: true, UserWithAuth: true, NoDA: true,
	},
}

func (s *tpmStore) unwrap(_ string, wrapped []byte) (key []byte, err error) {
	pub, priv, err := splitTPMBlob(wrapped)
	if err != nil {
		return nil, err
	}
	err = s.withSRK(func(t transport.TPM, srk *tpm2.CreatePrimaryResponse) error {
		obj, err := tpm2.Load{
			ParentHandle: tpm2.AuthHandle{Handle: srk.ObjectHandle, Name: srk.Name, Auth: tpm2.PasswordAuth(nil)},
			InPublic:     *pub, InPrivate: *priv,
		}.Execute(t)
		if err != nil {
			return tpmForeign("load", err)
		}
		defer flush(t, obj.ObjectHandle)
		sess, err := session(srk, tpm2.AESEncryption(128, tpm2.EncryptOut))
		if err != nil {
			return err
		}
		out, err := tpm2.Unseal{ItemHandle: tpm2.AuthHandle{Handle: obj.ObjectHandle, Name: obj.Name, Auth: tpm2.PasswordAuth(nil)}}.Execute(t, sess)
		if err != nil {
			return tpmForeign("unseal", err)
		}
		if len(out.OutData.Buffer) != KeySize {
			return fmt.Errorf("%w: TPM unsealed %d bytes", ErrForeign, len(out.OutData.Buffer))
		}
		key = out.OutData.Buffer
		return nil
	})
	return key, err
}

// tpmForeign turns a TPM's refusal of the blob (made by another TPM, or altered) into
// ErrForeign; a transport failure stays what it is.
func tpmForeign(step string, err error) error {
	var rc tpm2.TPMRC
	var f0 tpm2.TPMFmt1Error
	if errors.As(err, &rc) || errors.As(err, &f0) {
		return fmt.Errorf("%w: TPM %s: %v", ErrForeign, step, err)
	}
	return fmt.Errorf("TPM %s: %w", step, err)
}

// splitTPMBlob cuts a slot's blob into the TPM2B_PUBLIC and TPM2B_PRIVATE it is made of.
func splitTPMBlob(b []byte) (*tpm2.TPM2BPublic, *tpm2.TPM2BPrivate, error) {
	bad := fmt.Errorf("%w: TPM blob", ErrBadSlot)
	if len(b) < 2 {
		return nil, nil, bad
	}
	n := 2 + int(binary.BigEndian.Uint16(b))
	if len(b) < n+2 || len(b) != n+2+int(binary.BigEndian.Uint16(b[n:])) {
		return nil, nil, bad
	}
	pub, err := tpm2.Unmarshal[tpm2.TPM2BPublic](b[:n])
	if err != nil {
		return nil, nil, bad
	}
	priv, err := tpm2.Unmarshal[tpm2.TPM2BPrivate](b[n:])
	if err != nil {
		return nil, nil, bad
	}
	return pub, priv, nil
}

func (s *tpmStore) destroy(string) error { return nil } // nothing kept in the TPM
