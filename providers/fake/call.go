package fake

import (
	"bytes"
	"time"

	"github.com/careguard/careguard/providers"
)

// Call is one recorded call to [Model.Generate]. Values returned by the
// Model's accessors are copies the caller owns.
type Call struct {
	// Request is a deep copy of the request as Generate received it; nil
	// for a nil request.
	Request *providers.Request
	// Response is a copy of the reply; nil when Err is set.
	Response *providers.Response
	// Err is the error Generate returned.
	Err error
	// Step is the index in the script of the step that answered, or -1
	// when none did (the request was invalid, ctx was done on entry, the
	// script was exhausted, or a [Func] answered).
	Step int
	// Start is when Generate was called.
	Start time.Time
	// Duration is how long Generate took.
	Duration time.Duration
}

// record is a Call as the Model stores it: the request is owned by the
// Model and copied again on the way out.
type record struct {
	req      *providers.Request
	resp     providers.Response
	hasResp  bool
	err      error
	step     int
	start    time.Time
	duration time.Duration
}

func (r *record) call() Call {
	c := Call{
		Request:  cloneRequest(r.req),
		Err:      r.err,
		Step:     r.step,
		Start:    r.start,
		Duration: r.duration,
	}
	if r.hasResp {
		resp := r.resp
		c.Response = &resp
	}
	return c
}

// cloneRequest returns a deep copy of r.
func cloneRequest(r *providers.Request) *providers.Request {
	if r == nil {
		return nil
	}
	c := *r
	if r.Messages != nil {
		c.Messages = make([]providers.Message, len(r.Messages))
		copy(c.Messages, r.Messages)
	}
	if r.Schema != nil {
		s := *r.Schema
		s.Full = bytes.Clone(s.Full)
		s.Strict = bytes.Clone(s.Strict)
		c.Schema = &s
	}
	if r.Temperature != nil {
		t := *r.Temperature
		c.Temperature = &t
	}
	return &c
}
