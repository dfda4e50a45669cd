package platform

import "encoding/pem"

// pemBlock returns the DER bytes of the next CERTIFICATE block and the rest, or nil.
func pemBlock(b []byte) ([]byte, []byte) {
	for {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			return nil, nil
		}
		if blk.Type == "CERTIFICATE" {
			return blk.Bytes, b
		}
	}
}
