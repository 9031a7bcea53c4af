package httpclient

import (
	"bytes"
	"crypto/x509"
	"errors"
)

// rootPool returns the system roots with the PEM's certificates appended. A blank PEM gives
// the system roots alone; a PEM without any certificate is an error, because a CA the
// operator configured and that silently does nothing shows up much later as a TLS failure.
func rootPool(pem []byte) (*x509.CertPool, error) {
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		// No system roots (a minimal container): the configured CA alone is still useful.
		pool = x509.NewCertPool()
	}
	if len(bytes.TrimSpace(pem)) == 0 {
		return pool, nil
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, errors.New("cacerts: no PEM certificate found in the text; paste the CA in PEM form (-----BEGIN CERTIFICATE-----)")
	}
	return pool, nil
}
