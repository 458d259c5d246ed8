package fake

import (
	"context"
	"crypto/ed25519"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server"
)

// checkoutKey is an SSH key a project checks out its code with; the fake keeps only the public half.
type checkoutKey struct {
	listOrder
	typ       gen.CheckoutKeyType
	publicKey string
	md5       string
	sha256    string
	created   time.Time
}

// newSSHKey makes an ed25519 key pair from 32 bytes of seed and returns the public half in OpenSSH
// authorized_keys form with its MD5 ("aa:bb:…") and SHA256 ("SHA256:…") fingerprints. The private
// half is thrown away: the fake never checks anything out.
func newSSHKey(seed []byte, comment string) (publicKey, md5FP, sha256FP string) {
	pub := ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
	// RFC 8709: string "ssh-ed25519", string key; each string is a uint32 length and the bytes.
	var blob []byte
	for _, part := range [][]byte{[]byte("ssh-ed25519"), pub} {
		blob = binary.BigEndian.AppendUint32(blob, uint32(len(part)))
		blob = append(blob, part...)
	}
	publicKey = "ssh-ed25519 " + base64.StdEncoding.EncodeToString(blob) + " " + comment
	m := md5.Sum(blob)
	hexes := make([]string, len(m))
	for i, b := range m {
		hexes[i] = fmt.Sprintf("%02x", b)
	}
	h := sha256.Sum256(blob)
	return publicKey, strings.Join(hexes, ":"), "SHA256:" + base64.RawStdEncoding.EncodeToString(h[:])
}

func (k *checkoutKey) api(digest string, preferred bool) gen.CheckoutKey {
	fp := k.md5
	if digest == string(gen.ListCheckoutKeysParamsDigestSha256) {
		fp = k.sha256
	}
	return gen.CheckoutKey{CreatedAt: k.created, Fingerprint: fp, Preferred: preferred, PublicKey: k.publicKey, Type: k.typ}
}

// visibleCheckoutKey returns a project the caller may see and the index in its keys of the key with
// an MD5 or SHA256 fingerprint, or the error of [Server.visibleProject] or a 404 [*server.Error];
// the caller holds s.mu.
func (s *Server) visibleCheckoutKey(ctx context.Context, slug, fp string) (*project, int, error) {
	_, p, err := s.visibleProject(ctx, slug)
	if err != nil {
		return nil, -1, err
	}
	if i := slices.IndexFunc(p.checkoutKeys, func(k *checkoutKey) bool { return k.md5 == fp || k.sha256 == fp }); i >= 0 {
		return p, i, nil
	}
	return nil, -1, server.NotFound("Checkout key not found.")
}

// ListCheckoutKeys lists a project's checkout keys, oldest first, 20 a page; the oldest one is the
// preferred key.
// CircleCI API: GET /project/{project-slug}/checkout-key (listCheckoutKeys).
func (s *Server) ListCheckoutKeys(ctx context.Context, req genserver.ListCheckoutKeysRequestObject) (genserver.ListCheckoutKeysResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, p, err := s.visibleProject(ctx, req.ProjectSlug)
	if err != nil {
		return nil, err
	}
	digest := ""
	if req.Params.Digest != nil {
		digest = string(*req.Params.Digest)
	}
	items, next, err := pageAfter(p.checkoutKeys, req.Params.PageToken, s.listTag("project-checkout-keys", p.id.String()), func(k *checkoutKey) gen.CheckoutKey { return k.api(digest, k == p.checkoutKeys[0]) })
	if err != nil {
		return nil, err
	}
	return genserver.ListCheckoutKeys200JSONResponse{Items: items, NextPageToken: next}, nil
}

// CreateCheckoutKey makes a fresh ed25519 key pair for the project and returns its public half.
// CircleCI API: POST /project/{project-slug}/checkout-key (createCheckoutKey).
func (s *Server) CreateCheckoutKey(ctx context.Context, req genserver.CreateCheckoutKeyRequestObject) (genserver.CreateCheckoutKeyResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, p, err := s.visibleProject(ctx, req.ProjectSlug)
	if err != nil {
		return nil, err
	}
	if req.Body == nil || !req.Body.Type.Valid() {
		return nil, server.BadRequest(`type must be "deploy-key" or "user-key"`)
	}
	typ := gen.CheckoutKeyTypeDeployKey
	if req.Body.Type == gen.CreateCheckoutKeyRequestTypeUserKey {
		if p.org.vcsType != "github" {
			return nil, server.BadRequest("user keys exist only for GitHub OAuth projects; create a deploy-key")
		}
		typ = gen.CheckoutKeyTypeGithubUserKey
	}
	a, b := s.newID(), s.newID()
	pub, m, sh := newSSHKey(append(a[:], b[:]...), "circleci-fake "+p.slug)
	k := &checkoutKey{listOrder: s.nextSeq(), typ: typ, publicKey: pub, md5: m, sha256: sh, created: s.now()}
	p.checkoutKeys = append(p.checkoutKeys, k)
	return genserver.CreateCheckoutKey201JSONResponse(k.api("", len(p.checkoutKeys) == 1)), nil
}

// GetCheckoutKey returns a checkout key by its MD5 or SHA256 fingerprint.
// CircleCI API: GET /project/{project-slug}/checkout-key/{fingerprint} (getCheckoutKey).
func (s *Server) GetCheckoutKey(ctx context.Context, req genserver.GetCheckoutKeyRequestObject) (genserver.GetCheckoutKeyResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, i, err := s.visibleCheckoutKey(ctx, req.ProjectSlug, req.Fingerprint)
	if err != nil {
		return nil, err
	}
	digest := ""
	if strings.HasPrefix(req.Fingerprint, "SHA256:") {
		digest = string(gen.ListCheckoutKeysParamsDigestSha256)
	}
	return genserver.GetCheckoutKey200JSONResponse(p.checkoutKeys[i].api(digest, i == 0)), nil
}

// DeleteCheckoutKey deletes a checkout key by its MD5 or SHA256 fingerprint.
// CircleCI API: DELETE /project/{project-slug}/checkout-key/{fingerprint} (deleteCheckoutKey).
func (s *Server) DeleteCheckoutKey(ctx context.Context, req genserver.DeleteCheckoutKeyRequestObject) (genserver.DeleteCheckoutKeyResponseObject, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, i, err := s.visibleCheckoutKey(ctx, req.ProjectSlug, req.Fingerprint)
	if err != nil {
		return nil, err
	}
	p.checkoutKeys = slices.Delete(p.checkoutKeys, i, i+1)
	return genserver.DeleteCheckoutKey200JSONResponse{Message: "Checkout key deleted."}, nil
}
