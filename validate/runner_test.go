package validate_test

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/internal/fixture"
	"github.com/careguard/careguard/validate"
)

// stub is a validator that returns fixed findings after an optional delay.
type stub struct {
	name     string
	findings []validate.Finding
	err      error
	delay    time.Duration
	panicVal any
	active   *atomic.Int32
	peak     *atomic.Int32
}

func (s *stub) Name() string { return s.name }

func (s *stub) Validate(ctx context.Context, _ *validate.Input) ([]validate.Finding, error) {
	if s.active != nil {
		n := s.active.Add(1)
		defer s.active.Add(-1)
		for {
			p := s.peak.Load()
			if n <= p || s.peak.CompareAndSwap(p, n) {
				break
			}
		}
	}
	if s.delay > 0 {
		select {
		case <-time.After(s.delay):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if s.panicVal != nil {
		panic(s.panicVal)
	}
	return s.findings, s.err
}

func finding(rule string, sev validate.Severity, items ...string) validate.Finding {
	return validate.Finding{RuleID: rule, Severity: sev, Category: validate.CategoryGrounding, Message: rule, ItemIDs: items}
}

func input() *validate.Input {
	rec := fixture.MultiMorbid()
	return &validate.Input{Record: rec, Draft: fixture.Draft(rec, fixture.Plan(rec))}
}

func TestRunnerDeterministicOrder(t *testing.T) {
	all := []validate.Finding{
		finding("b.rule", validate.SeverityWarning, "goal-1"),
		finding("a.rule", validate.SeverityInfo),
		finding("c.rule", validate.SeverityCritical, "medication-1"),
		finding("a.rule", validate.SeverityWarning, "goal-2"),
		finding("a.rule", validate.SeverityWarning, "goal-1"),
		finding("c.rule", validate.SeverityCritical, "medication-1", "medication-2"),
	}
	want := []string{"c.rule medication-1", "c.rule medication-1", "a.rule goal-1", "a.rule goal-2", "b.rule goal-1", "a.rule "}
	in := input()
	r := rand.New(rand.NewPCG(7, 7))
	var first []validate.Finding
	for range 50 {
		// Spread the findings over validators that finish in random order.
		perm := r.Perm(len(all))
		var vs []validate.Validator
		for i, p := range perm {
			vs = append(vs, &stub{name: string(rune('a' + i)), findings: []validate.Finding{all[p]}, delay: time.Duration(r.IntN(3)) * time.Millisecond})
		}
		rep, err := validate.NewRunner(vs, nil).Run(t.Context(), in)
		require.NoError(t, err)
		var got []string
		for _, f := range rep.Findings {
			item := ""
			if len(f.ItemIDs) > 0 {
				item = f.ItemIDs[0]
			}
			got = append(got, f.RuleID+" "+item)
		}
		require.Equal(t, want, got, "most severe first, then rule, items, facts")
		if first == nil {
			first = rep.Findings
		}
		require.Equal(t, first, rep.Findings, "identical whatever the scheduling")
	}
}

func TestRunnerFailures(t *testing.T) {
	in := input()
	boom := errors.New("knowledge base unavailable")
	vs := []validate.Validator{
		&stub{name: "ok", findings: []validate.Finding{finding("ok.rule", validate.SeverityWarning)}},
		&stub{name: "erroring", findings: []validate.Finding{finding("partial.rule", validate.SeverityInfo)}, err: boom},
		&stub{name: "panicking", panicVal: "index out of range"},
	}
	rep, err := validate.NewRunner(vs, nil).Run(t.Context(), in)
	require.ErrorIs(t, err, boom)
	require.ErrorIs(t, err, validate.ErrPanic)
	ve, ok := errors.AsType[*validate.ValidatorError](err)
	require.True(t, ok)
	assert.Equal(t, "erroring", ve.Validator)

	require.NotNil(t, rep, "a failure does not lose the other validators' work")
	assert.False(t, rep.Complete())
	require.Len(t, rep.Failed, 2)
	assert.Equal(t, []string{"erroring", "panicking"}, []string{rep.Failed[0].Validator, rep.Failed[1].Validator})
	assert.Len(t, rep.Findings, 2, "findings returned alongside an error are kept")
	assert.Equal(t, []string{"ok", "erroring", "panicking"}, rep.Ran)
}

func TestRunnerConcurrencyLimit(t *testing.T) {
	var active, peak atomic.Int32
	var vs []validate.Validator
	for range 12 {
		vs = append(vs, &stub{name: "v", delay: 5 * time.Millisecond, active: &active, peak: &peak})
	}
	_, err := validate.NewRunner(vs, &validate.RunnerOptions{Concurrency: 3}).Run(t.Context(), input())
	require.NoError(t, err)
	assert.LessOrEqual(t, peak.Load(), int32(3))
	assert.Greater(t, peak.Load(), int32(1), "validators do run concurrently")
}

func TestRunnerContextAndInput(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	go func() { time.Sleep(10 * time.Millisecond); cancel() }()
	start := time.Now()
	rep, err := validate.NewRunner([]validate.Validator{&stub{name: "slow", delay: time.Hour}}, nil).Run(ctx, input())
	require.ErrorIs(t, err, context.Canceled)
	assert.Nil(t, rep)
	assert.Less(t, time.Since(start), time.Second)

	r := validate.NewRunner(nil, nil)
	for _, in := range []*validate.Input{nil, {}, {Record: fixture.MultiMorbid()}} {
		_, err := r.Run(t.Context(), in)
		require.ErrorIs(t, err, validate.ErrInvalidInput)
	}
	rep, err = r.Run(t.Context(), input())
	require.NoError(t, err)
	assert.False(t, rep.Complete(), "a runner with no validators checked nothing")
	assert.Empty(t, rep.Findings)
}

func TestReportHelpers(t *testing.T) {
	rep := &validate.Report{Ran: []string{"x"}, Findings: []validate.Finding{
		finding("a", validate.SeverityInfo), finding("b", validate.SeverityWarning), finding("c", validate.SeverityWarning),
	}}
	assert.Equal(t, validate.SeverityWarning, rep.Max())
	assert.Equal(t, 2, rep.Count(validate.SeverityWarning))
	assert.True(t, rep.Complete())
	var nilRep *validate.Report
	assert.False(t, nilRep.Complete(), "no report is not a clean report")
	assert.Equal(t, validate.Severity(0), (&validate.Report{}).Max())
	assert.False(t, (&validate.Report{}).Complete(), "nothing ran, nothing was checked")
}

// A stored report keeps its failures, so reloading it cannot turn an
// unchecked draft into a checked one.
func TestReportJSONKeepsFailures(t *testing.T) {
	rep, _ := validate.NewRunner([]validate.Validator{&stub{name: "x", err: errors.New("down")}}, nil).Run(t.Context(), input())
	require.False(t, rep.Complete())
	b, err := json.Marshal(rep)
	require.NoError(t, err)
	var back validate.Report
	require.NoError(t, json.Unmarshal(b, &back))
	assert.False(t, back.Complete())
	require.Len(t, back.Failed, 1)
	assert.Equal(t, "x", back.Failed[0].Validator)
	assert.EqualError(t, back.Failed[0].Err, "down")
}

func TestSeverityText(t *testing.T) {
	for _, s := range []validate.Severity{validate.SeverityInfo, validate.SeverityWarning, validate.SeverityCritical} {
		b, err := json.Marshal(s)
		require.NoError(t, err)
		var back validate.Severity
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, s, back)
	}
	_, err := json.Marshal(validate.Severity(9))
	require.Error(t, err)
	var s validate.Severity
	require.Error(t, json.Unmarshal([]byte(`"urgent"`), &s))
	assert.Equal(t, "severity(9)", validate.Severity(9).String())
}

// A checker error that comes with a report must not be dropped: the report
// becomes incomplete, and routing sends the draft to a physician.
func TestReportWithFailure(t *testing.T) {
	rep := &validate.Report{Ran: []string{"grounding"}, Findings: []validate.Finding{finding("a", validate.SeverityInfo)}}
	require.True(t, rep.Complete())
	got := rep.WithFailure("checker", errors.New("interaction database unavailable"))
	assert.False(t, got.Complete())
	assert.True(t, rep.Complete(), "the original is not modified")
	assert.Equal(t, rep.Findings, got.Findings)
	require.Len(t, got.Failed, 1)
	assert.Equal(t, "checker", got.Failed[0].Validator)

	var none *validate.Report
	assert.False(t, none.WithFailure("checker", errors.New("x")).Complete())
	assert.Zero(t, none.Max())
	assert.Zero(t, none.Count(validate.SeverityInfo))
}

func TestDefaultValidators(t *testing.T) {
	var names []string
	for _, v := range validate.DefaultValidators() {
		names = append(names, v.Name())
	}
	assert.Equal(t, []string{"grounding", "medication-safety", "completeness", "phi", "injection"}, names)
}
