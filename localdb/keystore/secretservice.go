//go:build !windows

package keystore

import (
	"fmt"
	"os"

	"github.com/godbus/dbus/v5"

	"ykt/app/gmcrypto"
)

// secretService keeps a random 16-byte wrapping key as an item of the user's default Secret
// Service collection (GNOME Keyring, KeePassXC…, org.freedesktop.secrets), found by the
// attributes {application: ykt, ykt-slot: id}; the slot holds the data key sealed under it. The
// keyring is encrypted with the user's login password at rest, so a copied disk does not open
// it; other users cannot reach the session bus. Root on the running machine can.
type secretService struct{}

const (
	ssName       = "org.freedesktop.secrets"
	ssPath       = dbus.ObjectPath("/org/freedesktop/secrets")
	ssService    = "org.freedesktop.Secret.Service"
	ssCollection = "org.freedesktop.Secret.Collection"
	ssItem       = "org.freedesktop.Secret.Item"
	noPrompt     = dbus.ObjectPath("/")
)

// ssSecret is the Secret Service's (oayays) secret struct.
type ssSecret struct {
	Session     dbus.ObjectPath
	Parameters  []byte
	Value       []byte
	ContentType string
}

// ssConn is one private connection to the session bus with a "plain" session (the bus is the
// user's own; no one else reads it).
type ssConn struct {
	conn    *dbus.Conn
	session dbus.ObjectPath
}

func dialSecretService() (*ssConn, error) {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		return nil, fmt.Errorf("%w: no session bus", ErrForeign)
	}
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return nil, fmt.Errorf("%w: session bus: %v", ErrForeign, err)
	}
	var out dbus.Variant
	var session dbus.ObjectPath
	err = conn.Object(ssName, ssPath).Call(ssService+".OpenSession", 0, "plain", dbus.MakeVariant("")).Store(&out, &session)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("%w: secret service: %v", ErrForeign, err)
	}
	return &ssConn{conn: conn, session: session}, nil
}

func (c *ssConn) close() {
	_ = c.conn.Object(ssName, c.session).Call("org.freedesktop.Secret.Session.Close", 0).Err
	c.conn.Close()
}

// defaultCollection is the unlocked default collection, or an error.
func (c *ssConn) defaultCollection() (dbus.ObjectPath, error) {
	var coll dbus.ObjectPath
	if err := c.conn.Object(ssName, ssPath).Call(ssService+".ReadAlias", 0, "default").Store(&coll); err != nil {
		return "", fmt.Errorf("secret service default collection: %w", err)
	}
	if coll == noPrompt {
		return "", fmt.Errorf("the Secret Service has no default collection")
	}
	locked, err := c.conn.Object(ssName, coll).GetProperty(ssCollection + ".Locked")
	if err != nil {
		return "", fmt.Errorf("secret service collection: %w", err)
	}
	if l, _ := locked.Value().(bool); l {
		return "", fmt.Errorf("the Secret Service's default collection is locked")
	}
	return coll, nil
}

// secretServiceReady says why no Secret Service with an unlocked default collection answers (nil
// when one does).
func secretServiceReady() error {
	c, err := dialSecretService()
	if err != nil {
		return err
	}
	defer c.close()
	_, err = c.defaultCollection()
	return err
}

func ssAttributes(id string) map[string]string {
	return map[string]string{"application": "ykt", "ykt-slot": id}
}

// items finds the unlocked and locked items of slot id.
func (c *ssConn) items(id string) (unlocked, locked []dbus.ObjectPath, err error) {
	err = c.conn.Object(ssName, ssPath).Call(ssService+".SearchItems", 0, ssAttributes(id)).Store(&unlocked, &locked)
	if err != nil {
		return nil, nil, fmt.Errorf("secret service search: %w", err)
	}
	return unlocked, locked, nil
}

func (secretService) wrap(id string, key []byte) ([]byte, error) {
	c, err := dialSecretService()
	if err != nil {
		return nil, err
	}
	defer c.close()
	coll, err := c.defaultCollection()
	if err != nil {
		return nil, err
	}
	kek, err := gmcrypto.RandomKey(kekSize)
	if err != nil {
		return nil, err
	}
	defer gmcrypto.Zero(kek)
	props := map[string]dbus.Variant{
		ssItem + ".Label":      dbus.MakeVariant("YKT Counter key " + id),
		ssItem + ".Attributes": dbus.MakeVariant(ssAttributes(id)),
	}
	secret := ssSecret{Session: c.session, Parameters: []byte{}, Value: kek, ContentType: "application/octet-stream"}
	var item, prompt dbus.ObjectPath
	if err := c.conn.Object(ssName, coll).Call(ssCollection+".CreateItem", 0, props, secret, true).Store(&item, &prompt); err != nil {
		return nil, fmt.Errorf("secret service create item: %w", err)
	}
	if prompt != noPrompt {
		return nil, fmt.Errorf("the Secret Service asks for a prompt; unlock the keyring first")
	}
	return sealUnder(kek, id, key)
}

func (secretService) unwrap(id string, wrapped []byte) ([]byte, error) {
	c, err := dialSecretService()
	if err != nil {
		return nil, err
	}
	defer c.close()
	unlocked, locked, err := c.items(id)
	if err != nil {
		return nil, err
	}
	if len(unlocked) == 0 && len(locked) > 0 {
		return nil, fmt.Errorf("the keyring holding this computer's key is locked; sign in to the desktop first")
	}
	if len(unlocked) == 0 {
		return nil, fmt.Errorf("%w: no Secret Service item for this slot", ErrForeign)
	}
	var secret ssSecret
	if err := c.conn.Object(ssName, unlocked[0]).Call(ssItem+".GetSecret", 0, c.session).Store(&secret); err != nil {
		return nil, fmt.Errorf("secret service get secret: %w", err)
	}
	defer gmcrypto.Zero(secret.Value)
	return openUnder(secret.Value, id, wrapped)
}

func (secretService) destroy(id string) error {
	c, err := dialSecretService()
	if err != nil {
		return err
	}
	defer c.close()
	unlocked, locked, err := c.items(id)
	if err != nil {
		return err
	}
	for _, it := range append(unlocked, locked...) {
		var prompt dbus.ObjectPath
		if err := c.conn.Object(ssName, it).Call(ssItem+".Delete", 0).Store(&prompt); err != nil {
			return fmt.Errorf("secret service delete: %w", err)
		}
		if prompt != noPrompt {
			return fmt.Errorf("the Secret Service asks for a prompt to delete the key; unlock the keyring first")
		}
	}
	return nil
}
