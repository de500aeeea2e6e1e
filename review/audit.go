package review

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/careguard/careguard/riskroute"
)

// Action is what an audit entry records.
type Action string

// The actions. Each appends exactly one entry, in the same transaction as
// the change it records.
const (
	ActionSubmit           Action = "submit"             // a draft entered review
	ActionAutoApprove      Action = "auto_approve"       // released at submission, tier auto_approve
	ActionClaim            Action = "claim"              // a reviewer took (or re-took) the lease
	ActionRenew            Action = "renew"              // the holder extended the lease
	ActionRelease          Action = "release"            // the holder returned the item to the queue
	ActionEditRequeued     Action = "edit_requeued"      // an edit raised the tier above the editor's role
	ActionApprove          Action = "approve"            // approved as submitted
	ActionApproveWithEdits Action = "approve_with_edits" // approved with different content
	ActionReject           Action = "reject"             // rejected with feedback
	ActionDeliver          Action = "deliver"            // the record sink acknowledged the approval
	ActionDeliveryFailed   Action = "delivery_failed"    // the record sink failed; retried later
)

// AuditEntry is one link of the hash-chained audit log. It says who did
// what to which item and when, and identifies content only by hash: it
// never holds plan text, feedback text, the patient reference or anything
// else from the record.
//
// Hash is the hex SHA-256 of a domain tag, Prev and an unambiguous
// (length-prefixed) encoding of every other field; Prev is the Hash of the
// entry before it, or "" for the first entry. [AuditEntry.Seal] fills Seq,
// Prev and Hash; stores call it inside the transaction that appends the
// entry.
type AuditEntry struct {
	Seq    uint64         `json:"seq"`
	Time   time.Time      `json:"time"`
	Action Action         `json:"action"`
	ItemID string         `json:"item_id"`
	Actor  string         `json:"actor"`
	Role   riskroute.Role `json:"role"`
	// State is the item's state after the action.
	State State `json:"state"`
	// Tier is the tier the item's content needs after the action.
	Tier riskroute.Tier `json:"tier,omitzero"`
	// ContentHash identifies the content acted on ("sha256:..." of the
	// plan's JSON); PrevContentHash the content it replaced, for edits.
	ContentHash     string `json:"content_hash,omitempty"`
	PrevContentHash string `json:"prev_content_hash,omitempty"`
	// Detail holds machine-readable facts as space-separated key=value
	// pairs ("key=... reasons=other feedback=sha256:..."): codes, counts,
	// times and hashes, never free text.
	Detail string `json:"detail,omitempty"`
	Prev   string `json:"prev"`
	Hash   string `json:"hash"`
}

// Head identifies the end of a verified audit chain: the number of entries
// and the last entry's hash. Keep a head somewhere the store's writers
// cannot change (a signed record, another system) and pass it to [Verify]
// later: that is what detects a truncated or rewritten log.
type Head struct {
	Seq  uint64 `json:"seq"`
	Hash string `json:"hash"`
}

// String returns "seq:hash", the form [ParseHead] reads.
func (h Head) String() string { return strconv.FormatUint(h.Seq, 10) + ":" + h.Hash }

// MarshalText encodes the head as [Head.String] does.
func (h Head) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalText decodes what MarshalText wrote; see [ParseHead].
func (h *Head) UnmarshalText(b []byte) error {
	p, err := ParseHead(string(b))
	if err != nil {
		return err
	}
	*h = p
	return nil
}

// ParseHead parses "seq:hash": a decimal count and a 64-digit lower-case
// hex hash, or "0:" for an empty log. Anything else gives an *[InputError]
// wrapping [ErrInvalid].
func ParseHead(s string) (Head, error) {
	n, h, ok := strings.Cut(s, ":")
	if !ok {
		return Head{}, invalid("head", `want "seq:hash"`)
	}
	seq, err := strconv.ParseUint(n, 10, 64)
	if err != nil || strconv.FormatUint(seq, 10) != n {
		return Head{}, invalid("head", "malformed sequence number")
	}
	if (seq == 0) != (h == "") || (seq > 0 && !isHash(h)) {
		return Head{}, invalid("head", "malformed hash")
	}
	return Head{Seq: seq, Hash: h}, nil
}

func isHash(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// Seal makes e the entry after prev: it sets Seq to prev.Seq+1, Prev to
// prev.Hash and Hash to the entry's hash. Time is normalised to UTC with
// no monotonic reading, so the entry hashes the same after a round trip
// through storage.
func (e *AuditEntry) Seal(prev Head) {
	e.Seq = prev.Seq + 1
	e.Prev = prev.Hash
	e.Time = e.Time.UTC().Round(0)
	e.Hash = e.computeHash()
}

// Head returns the head of a chain that ends with e.
func (e *AuditEntry) Head() Head { return Head{Seq: e.Seq, Hash: e.Hash} }

// auditDomain separates this hash from every other SHA-256 in the system;
// the version changes if the encoding ever does.
const auditDomain = "careguard/review/audit/v1"

func (e *AuditEntry) computeHash() string {
	var b bytes.Buffer
	str := func(s string) {
		b.Write(binary.AppendUvarint(nil, uint64(len(s))))
		b.WriteString(s)
	}
	num := func(v uint64) { b.Write(binary.BigEndian.AppendUint64(nil, v)) }
	str(auditDomain)
	str(e.Prev)
	num(e.Seq)
	num(uint64(e.Time.UnixNano()))
	str(string(e.Action))
	str(e.ItemID)
	str(e.Actor)
	str(string(e.Role))
	str(string(e.State))
	num(uint64(e.Tier))
	str(e.ContentHash)
	str(e.PrevContentHash)
	str(e.Detail)
	sum := sha256.Sum256(b.Bytes())
	return hex.EncodeToString(sum[:])
}

// DecodeAuditEntry decodes an entry as encoded by [encoding/json]. Unknown
// fields and malformed data give a *[CorruptError] wrapping [ErrCorrupt];
// it does not check the hash (that is [Verify]'s job) and never panics.
func DecodeAuditEntry(data []byte) (*AuditEntry, error) {
	var e AuditEntry
	if err := decodeObject(data, &e, true); err != nil {
		return nil, &CorruptError{What: "audit entry", Err: err}
	}
	if e.Seq == 0 || !isHash(e.Hash) || (e.Prev != "" && !isHash(e.Prev)) {
		return nil, &CorruptError{What: "audit entry", ID: strconv.FormatUint(e.Seq, 10), Err: errors.New("malformed sequence or hash")}
	}
	return &e, nil
}

// AuditLog reads an audit log in order. [Store] implements it.
type AuditLog interface {
	// Audit returns up to limit entries with Seq > after, in Seq order.
	Audit(ctx context.Context, after uint64, limit int) ([]*AuditEntry, error)
}

// ChainProblem says how a chain failed to verify.
type ChainProblem string

// The chain problems.
const (
	// ChainAltered: an entry's content does not match its hash.
	ChainAltered ChainProblem = "altered"
	// ChainBroken: an entry does not link to the one before it (Prev
	// differs from the previous Hash): an entry before it was altered
	// and re-hashed, removed, inserted or moved.
	ChainBroken ChainProblem = "broken link"
	// ChainSequence: sequence numbers are not 1, 2, 3, ...: an entry was
	// removed, inserted or moved.
	ChainSequence ChainProblem = "sequence gap"
	// ChainTruncated: the log ends before the expected head.
	ChainTruncated ChainProblem = "truncated"
	// ChainHeadMismatch: the entry at the expected head's position has a
	// different hash: the log up to it was rewritten.
	ChainHeadMismatch ChainProblem = "head mismatch"
)

// ChainError is the first place an audit chain fails to verify.
type ChainError struct {
	// Seq is the sequence number at which the problem was found (the
	// expected one, for a sequence gap or truncation).
	Seq     uint64
	Problem ChainProblem
}

func (e *ChainError) Error() string {
	return fmt.Sprintf("review: audit chain: %s at entry %d", e.Problem, e.Seq)
}

// Unwrap returns [ErrTampered].
func (e *ChainError) Unwrap() error { return ErrTampered }

// verifyPage is how many entries Verify reads at a time.
const verifyPage = 512

// Verify walks the whole audit log and checks every link: sequence numbers
// run 1, 2, 3, ... with no gap or repeat, each entry's Prev is the
// previous entry's Hash (the first's is ""), and each Hash matches the
// entry's content. It returns the head of the verified chain; record it to
// check later logs against.
//
// That detects any altered, inserted, reordered or removed entry, except
// at the end: removing the last entries leaves a shorter chain that is
// still consistent, and so does rewriting an entry and re-hashing
// everything after it, which anyone able to write the store can do. Pass
// the head recorded earlier as want to close that gap: the log must then
// reach want.Seq and its entry there must have want.Hash, which detects
// truncation and any rewrite of the entries up to want. Entries appended
// after want are checked for consistency only. Nothing detects a rewrite
// of entries after the last head kept outside the store, or a store that
// was replaced wholesale when no head was kept.
//
// Verify returns a *[ChainError] wrapping [ErrTampered] for the first
// problem, a *[CorruptError] for an entry the store could not decode, or
// the log's own error.
func Verify(ctx context.Context, log AuditLog, want *Head) (Head, error) {
	var head Head
	for {
		page, err := log.Audit(ctx, head.Seq, verifyPage)
		if err != nil {
			return head, err
		}
		for _, e := range page {
			if e == nil {
				return head, &ChainError{Seq: head.Seq + 1, Problem: ChainSequence}
			}
			switch {
			case e.Seq != head.Seq+1:
				return head, &ChainError{Seq: head.Seq + 1, Problem: ChainSequence}
			case e.Prev != head.Hash:
				return head, &ChainError{Seq: e.Seq, Problem: ChainBroken}
			case e.computeHash() != e.Hash:
				return head, &ChainError{Seq: e.Seq, Problem: ChainAltered}
			}
			head = e.Head()
			if want != nil && head.Seq == want.Seq && head.Hash != want.Hash {
				return head, &ChainError{Seq: e.Seq, Problem: ChainHeadMismatch}
			}
		}
		if len(page) == 0 {
			break
		}
	}
	if want != nil && head.Seq < want.Seq {
		return head, &ChainError{Seq: head.Seq + 1, Problem: ChainTruncated}
	}
	return head, nil
}
