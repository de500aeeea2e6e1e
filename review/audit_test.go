package review_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/review"
	"github.com/careguard/careguard/riskroute"
)

// sliceLog is an audit log held in a slice, which tests can tamper with.
type sliceLog []*review.AuditEntry

func (l sliceLog) Audit(_ context.Context, after uint64, limit int) ([]*review.AuditEntry, error) {
	var out []*review.AuditEntry
	for _, e := range l {
		if e.Seq > after && (limit <= 0 || len(out) < limit) {
			c := *e
			out = append(out, &c)
		}
	}
	return out, nil
}

// chain builds a sealed chain of n entries.
func chain(n int) sliceLog {
	var l sliceLog
	var head review.Head
	for i := range n {
		e := &review.AuditEntry{Time: t0.Add(time.Duration(i) * time.Second), Action: review.ActionClaim,
			ItemID: fmt.Sprintf("item-%d", i%3), Actor: "rn-ada", Role: riskroute.RoleNurse, State: review.StateClaimed,
			Tier: riskroute.TierNurseReview, ContentHash: "sha256:abc"}
		e.Seal(head)
		head = e.Head()
		l = append(l, e)
	}
	return l
}

func clone(l sliceLog) sliceLog {
	out := make(sliceLog, len(l))
	for i, e := range l {
		c := *e
		out[i] = &c
	}
	return out
}

// reseal recomputes every hash from i on, as an attacker with write
// access to the store could.
func reseal(l sliceLog, from int) {
	for i := from; i < len(l); i++ {
		var prev review.Head
		if i > 0 {
			prev = l[i-1].Head()
		}
		l[i].Seal(prev)
	}
}

func TestVerify(t *testing.T) {
	good := chain(10)
	head := good[9].Head()
	mid := good[5].Head()
	tests := []struct {
		name    string
		tamper  func(l sliceLog) sliceLog
		want    *review.Head
		problem review.ChainProblem // "" for success
		seq     uint64
		reason  string
	}{
		{"intact", func(l sliceLog) sliceLog { return l }, nil, "", 0, "an untouched chain verifies"},
		{"intact against its head", func(l sliceLog) sliceLog { return l }, &head, "", 0, "and matches its head"},
		{"grown since the head", func(l sliceLog) sliceLog { return l }, &mid, "", 0, "entries after a head are allowed"},
		{"empty", func(sliceLog) sliceLog { return nil }, nil, "", 0, "an empty log is a valid chain"},
		{"field altered", func(l sliceLog) sliceLog { l[4].Actor = "dr-evil"; return l }, nil, review.ChainAltered, 5,
			"the entry no longer matches its hash"},
		{"time altered", func(l sliceLog) sliceLog { l[2].Time = l[2].Time.Add(time.Hour); return l }, nil, review.ChainAltered, 3,
			"times are hashed"},
		{"hash altered", func(l sliceLog) sliceLog { l[3].Hash = l[4].Hash; return l }, nil, review.ChainAltered, 4,
			"a replaced hash does not match the content"},
		{"altered and re-hashed", func(l sliceLog) sliceLog { l[4].Actor = "dr-evil"; l[4].Seal(l[3].Head()); return l }, nil,
			review.ChainBroken, 6, "the next entry still links to the old hash"},
		{"middle removed", func(l sliceLog) sliceLog { return slices.Delete(l, 4, 5) }, nil, review.ChainSequence, 5,
			"a gap in the sequence"},
		{"middle removed and renumbered", func(l sliceLog) sliceLog {
			l = slices.Delete(l, 4, 5)
			for i := 4; i < len(l); i++ {
				l[i].Seq--
			}
			return l
		}, nil, review.ChainBroken, 5, "the renumbered entry does not link to its new predecessor"},
		{"first removed", func(l sliceLog) sliceLog { return l[1:] }, nil, review.ChainSequence, 1, "the log must start at 1"},
		{"inserted", func(l sliceLog) sliceLog {
			x := *l[3]
			x.Actor = "dr-evil"
			return slices.Insert(l, 4, &x)
		}, nil, review.ChainSequence, 5, "a duplicate sequence number"},
		{"inserted and everything renumbered", func(l sliceLog) sliceLog {
			x := *l[3]
			x.Actor = "dr-evil"
			l = slices.Insert(l, 4, &x)
			for i := 4; i < len(l); i++ {
				l[i].Seq++
			}
			return l
		}, nil, review.ChainBroken, 5, "the inserted entry does not link to the entry now before it"},
		{"reordered", func(l sliceLog) sliceLog {
			l[3], l[4] = l[4], l[3]
			l[3].Seq, l[4].Seq = 4, 5
			return l
		}, nil, review.ChainBroken, 4, "entry 5 does not follow entry 3"},
		{"tail truncated, no head", func(l sliceLog) sliceLog { return l[:7] }, nil, "", 0,
			"a shorter chain is consistent: truncation needs a head to detect"},
		{"tail truncated", func(l sliceLog) sliceLog { return l[:7] }, &head, review.ChainTruncated, 8, "the log ends before the head"},
		{"all removed", func(sliceLog) sliceLog { return nil }, &head, review.ChainTruncated, 1, "the log ends before the head"},
		{"rewritten and re-hashed, no head", func(l sliceLog) sliceLog { l[2].Actor = "dr-evil"; reseal(l, 2); return l }, nil, "", 0,
			"a fully re-hashed chain is consistent: only a kept head exposes it"},
		{"rewritten and re-hashed", func(l sliceLog) sliceLog { l[2].Actor = "dr-evil"; reseal(l, 2); return l }, &mid,
			review.ChainHeadMismatch, 6, "the entry at the kept head has a different hash"},
		{"rewritten after the head", func(l sliceLog) sliceLog { l[8].Actor = "dr-evil"; reseal(l, 8); return l }, &mid, "", 0,
			"entries after the last kept head are checked for consistency only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := tt.tamper(clone(good))
			got, err := review.Verify(t.Context(), l, tt.want)
			if tt.problem == "" {
				require.NoError(t, err, tt.reason)
				if len(l) > 0 {
					assert.Equal(t, l[len(l)-1].Head(), got)
				}
				return
			}
			require.ErrorIs(t, err, review.ErrTampered, tt.reason)
			var ce *review.ChainError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tt.problem, ce.Problem, tt.reason)
			assert.Equal(t, tt.seq, ce.Seq, tt.reason)
		})
	}
}

type errLog struct{}

func (errLog) Audit(context.Context, uint64, int) ([]*review.AuditEntry, error) {
	return nil, errors.New("disk gone")
}

func TestVerifyReportsLogErrors(t *testing.T) {
	_, err := review.Verify(t.Context(), errLog{}, nil)
	require.Error(t, err)
	require.NotErrorIs(t, err, review.ErrTampered, "an unreadable log is not evidence of tampering")
}

func TestSealIsStableAcrossStorage(t *testing.T) {
	loc := time.FixedZone("EST", -5*3600)
	e := &review.AuditEntry{Time: time.Now().In(loc), Action: review.ActionApprove, ItemID: "x", Actor: "rn-ada",
		Role: riskroute.RoleNurse, State: review.StateApproved, Tier: riskroute.TierNurseReview}
	e.Seal(review.Head{})
	raw, err := json.Marshal(e)
	require.NoError(t, err)
	back, err := review.DecodeAuditEntry(raw)
	require.NoError(t, err)
	_, err = review.Verify(t.Context(), sliceLog{back}, &review.Head{Seq: 1, Hash: e.Hash})
	require.NoError(t, err, "a monotonic reading and a zone do not change the hash")
}

func TestParseHead(t *testing.T) {
	h := chain(3)[2].Head()
	tests := []struct {
		in      string
		want    review.Head
		wantErr bool
		reason  string
	}{
		{h.String(), h, false, "String round-trips"},
		{"0:", review.Head{}, false, "the empty log"},
		{"0:" + h.Hash, review.Head{}, true, "an empty log has no hash"},
		{"3:", review.Head{}, true, "a non-empty log has a hash"},
		{"3:" + h.Hash[:10], review.Head{}, true, "hashes are 64 hex digits"},
		{"03:" + h.Hash, review.Head{}, true, "one spelling per number"},
		{"-1:" + h.Hash, review.Head{}, true, "no negative counts"},
		{"3;" + h.Hash, review.Head{}, true, "the separator is a colon"},
		{"3:" + string(append([]byte(h.Hash[:63]), 'G')), review.Head{}, true, "lower-case hex only"},
	}
	for _, tt := range tests {
		got, err := review.ParseHead(tt.in)
		if tt.wantErr {
			require.ErrorIs(t, err, review.ErrInvalid, tt.reason)
			continue
		}
		require.NoError(t, err, tt.reason)
		assert.Equal(t, tt.want, got, tt.reason)
	}
	raw, err := json.Marshal(struct{ Head review.Head }{h})
	require.NoError(t, err)
	var back struct{ Head review.Head }
	require.NoError(t, json.Unmarshal(raw, &back))
	assert.Equal(t, h, back.Head, "a head survives JSON as text")
}

func FuzzParseHead(f *testing.F) {
	f.Add("0:")
	f.Add(chain(1)[0].Head().String())
	f.Add("18446744073709551615:" + chain(1)[0].Hash)
	f.Add("1:")
	f.Fuzz(func(t *testing.T, s string) {
		h, err := review.ParseHead(s)
		if err != nil {
			if !errorsIsInvalid(err) {
				t.Fatalf("error does not wrap ErrInvalid: %v", err)
			}
			return
		}
		if h.String() != s {
			t.Fatalf("ParseHead(%q).String() = %q", s, h.String())
		}
	})
}

func FuzzDecodeAuditEntry(f *testing.F) {
	for _, e := range chain(2) {
		raw, _ := json.Marshal(e)
		f.Add(raw)
	}
	f.Add([]byte(`{"seq":1}`))
	f.Add([]byte(`{"seq":1,"hash":"zz","unknown":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := review.DecodeAuditEntry(data)
		if err != nil {
			if !errors.Is(err, review.ErrCorrupt) {
				t.Fatalf("error does not wrap ErrCorrupt: %v", err)
			}
			return
		}
		// Whatever decodes can be verified without a panic, and a
		// re-encoding decodes to the same entry.
		_, _ = review.Verify(t.Context(), sliceLog{e}, nil)
		raw, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		again, err := review.DecodeAuditEntry(raw)
		if err != nil {
			t.Fatalf("re-decoding: %v", err)
		}
		if !again.Time.Equal(e.Time) || again.Hash != e.Hash || again.Seq != e.Seq || again.Detail != e.Detail {
			t.Fatalf("round trip changed the entry")
		}
	})
}

func errorsIsInvalid(err error) bool { return errors.Is(err, review.ErrInvalid) }
