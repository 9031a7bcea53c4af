package httpclient

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"
)

func TestCACerts(t *testing.T) {
	t.Parallel()
	trusted := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(trusted.Close)
	// httptest gives every TLS server the same certificate: the stranger needs its own.
	stranger := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	stranger.TLS = &tls.Config{Certificates: []tls.Certificate{selfSigned(t)}}
	stranger.StartTLS()
	t.Cleanup(stranger.Close)

	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: trusted.Certificate().Raw})
	tests := []struct {
		name    string
		pem     []byte
		url     string
		wantErr bool
	}{
		{"configured_ca_trusted", caPEM, trusted.URL, false},
		{"ca_among_other_text", append([]byte("# intercepting proxy CA\n"), caPEM...), trusted.URL, false},
		{"other_ca_rejected", caPEM, stranger.URL, true},
		{"no_cacerts_rejects_test_ca", nil, trusted.URL, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := fastSettings()
			s.CACertsPEM = tt.pem
			resp, err := mustNew(t, s).Get(tt.url)
			if err == nil {
				resp.Body.Close()
			}
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error: %v", err, tt.wantErr)
			}
			var unknown x509.UnknownAuthorityError
			if tt.wantErr && !errors.As(err, &unknown) {
				t.Errorf("err = %v, want an unknown-authority error", err)
			}
		})
	}
}

// TestCACertsKeepSystemRoots checks the pool holds the system roots as well as the given CA.
func TestCACertsKeepSystemRoots(t *testing.T) {
	t.Parallel()
	root := firstSystemRoot(t)
	ca := selfSignedCert(t)
	pool, err := rootPool(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Raw}))
	if err != nil {
		t.Fatal(err)
	}
	for name, cert := range map[string]*x509.Certificate{"system root": root, "configured CA": ca} {
		if _, err := cert.Verify(x509.VerifyOptions{Roots: pool, CurrentTime: cert.NotBefore.Add(time.Minute)}); err != nil {
			t.Errorf("%s %q does not verify against the pool: %v", name, cert.Subject, err)
		}
	}
}

func TestCACertsInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		pem     string
		wantErr bool
	}{
		{"blank_is_none", " \n\t", false},
		{"not_pem", "this is not a certificate", true},
		{"pem_of_a_key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", true},
		{"broken_certificate", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(Settings{CACertsPEM: []byte(tt.pem)})
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error: %v", err, tt.wantErr)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "cacerts: ") {
				t.Errorf("error %q does not name the cacerts setting", err)
			}
		})
	}
}

// firstSystemRoot reads one self-signed root from the system bundle, or skips.
func firstSystemRoot(t *testing.T) *x509.Certificate {
	t.Helper()
	for _, path := range []string{
		os.Getenv("SSL_CERT_FILE"), "/etc/ssl/certs/ca-certificates.crt",
		"/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem",
	} {
		data, err := os.ReadFile(path)
		if path == "" || err != nil {
			continue
		}
		for block, rest := pem.Decode(data); block != nil; block, rest = pem.Decode(rest) {
			cert, err := x509.ParseCertificate(block.Bytes)
			if err == nil && cert.IsCA && cert.CheckSignatureFrom(cert) == nil {
				return cert
			}
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no system CA bundle found, and CI=true")
	}
	t.Skip("no system CA bundle on this machine")
	return nil
}

func selfSigned(t *testing.T) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "stranger.test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func selfSignedCert(t *testing.T) *x509.Certificate {
	t.Helper()
	cert, err := x509.ParseCertificate(selfSigned(t).Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	return cert
}
