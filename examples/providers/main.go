// Command providers drafts a care plan for a synthetic patient with a real
// language model, chosen from environment variables, behind careguard's
// reliability middleware, and falls back to the deterministic guideline
// drafter when no model is configured or the model fails.
//
// The library itself reads no environment variables; this program does:
//
//	OPENAI_API_KEY=sk-…  [OPENAI_MODEL=gpt-4o]                 go run ./examples/providers
//	OPENAI_BASE_URL=http://localhost:8000/v1 OPENAI_MODEL=…   [OPENAI_API_KEY=…]  (vLLM, llama.cpp, a gateway)
//	ANTHROPIC_API_KEY=sk-ant-…  [ANTHROPIC_MODEL=…]  [ANTHROPIC_BASE_URL=…]
//	OLLAMA_HOST=http://localhost:11434  [OLLAMA_MODEL=llama3.1]
//
// When more than one is set, the first in that order answers and the next
// is the fallback model.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/careguard/careguard"
	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/internal/fixture"
	"github.com/careguard/careguard/providers"
	"github.com/careguard/careguard/providers/anthropicchat"
	"github.com/careguard/careguard/providers/middleware"
	"github.com/careguard/careguard/providers/ollamachat"
	"github.com/careguard/careguard/providers/openaichat"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Stdout, os.Getenv); err != nil {
		log.Fatal(err)
	}
}

// model is a provider chosen from the environment, with a name to print.
type model struct {
	name     string
	provider providers.Provider
}

// models returns the models the environment configures, in order of
// preference.
func models(getenv func(string) string) ([]model, error) {
	var ms []model
	add := func(name string, p providers.Provider, err error) error {
		if err != nil {
			return err
		}
		ms = append(ms, model{name: name, provider: p})
		return nil
	}
	openaiModel := getenv("OPENAI_MODEL")
	switch base, key := getenv("OPENAI_BASE_URL"), getenv("OPENAI_API_KEY"); {
	case base != "":
		c, err := openaichat.NewCompatible(base, &openaichat.Options{APIKey: key, Model: openaiModel})
		if err := add("OpenAI-compatible server, model "+openaiModel, c, err); err != nil {
			return nil, fmt.Errorf("OPENAI_BASE_URL: %w", err)
		}
	case key != "":
		c, err := openaichat.New(key, &openaichat.Options{Model: openaiModel})
		if err := add("OpenAI", c, err); err != nil {
			return nil, fmt.Errorf("OPENAI_API_KEY: %w", err)
		}
		ms[len(ms)-1].name += ", model " + c.Model()
	}
	if key := getenv("ANTHROPIC_API_KEY"); key != "" {
		c, err := anthropicchat.New(key, &anthropicchat.Options{Model: getenv("ANTHROPIC_MODEL"), BaseURL: getenv("ANTHROPIC_BASE_URL")})
		if err := add("Anthropic", c, err); err != nil {
			return nil, fmt.Errorf("ANTHROPIC_API_KEY: %w", err)
		}
		ms[len(ms)-1].name += ", model " + c.Model()
	}
	if host := getenv("OLLAMA_HOST"); host != "" {
		name := getenv("OLLAMA_MODEL")
		if name == "" {
			name = "llama3.1"
		}
		c, err := ollamachat.New(name, &ollamachat.Options{BaseURL: ollamaURL(host)})
		if err := add("Ollama, model "+name, c, err); err != nil {
			return nil, fmt.Errorf("OLLAMA_HOST: %w", err)
		}
	}
	return ms, nil
}

// ollamaURL reads OLLAMA_HOST as Ollama does: the scheme defaults to http
// and the port to 11434.
func ollamaURL(host string) string {
	if !strings.Contains(host, "://") {
		host = "http://" + host
	}
	u, err := url.Parse(host)
	if err != nil || u.Port() != "" || u.Hostname() == "" {
		return host // ollamachat.New reports what is wrong with it
	}
	u.Host = net.JoinHostPort(u.Hostname(), "11434")
	return u.String()
}

// reliable wraps p in the middleware stack: each attempt bounded and rate
// limited, retried with backoff, behind a circuit breaker.
func reliable(p providers.Provider) providers.Provider {
	return middleware.NewBreaker(
		middleware.NewRetry(
			middleware.NewRateLimit(
				middleware.NewTimeout(p, 3*time.Minute),
				&middleware.RateLimitOptions{RequestsPerMinute: 60, RequestBurst: 5}),
			&middleware.RetryOptions{MaxAttempts: 4}),
		&middleware.BreakerOptions{FailureThreshold: 3, Cooldown: time.Minute})
}

func run(ctx context.Context, w io.Writer, getenv func(string) string) error {
	rec := fixture.MultiMorbid()
	fmt.Fprintf(w, "Patient: synthetic, %d years old, %d facts, record as of %s.\n", rec.Age(), rec.Len(), rec.AsOf().Format(time.DateOnly))

	ms, err := models(getenv)
	if err != nil {
		return err
	}
	opts := &careguard.Options{}
	if len(ms) == 0 {
		fmt.Fprintln(w, "No language model is configured (set OPENAI_API_KEY, OPENAI_BASE_URL, ANTHROPIC_API_KEY or OLLAMA_HOST):")
		fmt.Fprintf(w, "the plan below is drafted by careguard's deterministic guideline rules (%s), not by a model.\n", careplan.DrafterVersion)
	} else {
		p := reliable(ms[0].provider)
		fmt.Fprintf(w, "Model: %s.\n", ms[0].name)
		if len(ms) > 1 {
			p = middleware.NewFallback(p, reliable(ms[1].provider), nil)
			fmt.Fprintf(w, "Fallback model: %s.\n", ms[1].name)
		}
		fmt.Fprintln(w, "If the model cannot produce a valid plan, careguard's guideline rules draft it instead.")
		gen, err := careplan.NewGenerator(p, nil)
		if err != nil {
			return err
		}
		opts.Drafter, opts.Fallback = gen, careplan.NewGuidelineDrafter(nil)
	}
	pipe, err := careguard.New(opts)
	if err != nil {
		return err
	}
	res, err := pipe.Run(ctx, rec)
	if err != nil {
		return err
	}
	if res.FallbackReason != nil {
		fmt.Fprintf(w, "The model failed (%s); the guideline drafter made this plan.\n", describe(res.FallbackReason))
	}
	d := res.Draft
	fmt.Fprintf(w, "\nDrafted by: %s", d.Generator)
	if d.Origin == careplan.OriginModel {
		fmt.Fprintf(w, ", %s model %s, %d attempt(s), %d tokens", d.Provider, d.Model, len(d.Attempts), d.Usage.Total())
	}
	fmt.Fprintf(w, "\nSummary: %s\n", d.Plan.Summary)
	for _, it := range d.Plan.Items() {
		fmt.Fprintf(w, "  %-16s %s [cites %s]\n", it.ID, it.Text, strings.Join(it.Citations, ", "))
	}
	fmt.Fprintf(w, "Findings: %d. REVIEW TIER: %s\n", len(res.Report.Findings), res.Decision.Tier)
	return nil
}

// describe says why a model failed without repeating anything the vendor
// or the model wrote: the error class, and the HTTP status if there was one.
func describe(err error) string {
	msg := providers.CodeOf(err).String()
	if pe, ok := errors.AsType[*providers.Error](err); ok && pe.StatusCode != 0 {
		msg += fmt.Sprintf(", HTTP %d", pe.StatusCode)
	}
	for _, e := range []error{careplan.ErrAttemptsExhausted, careplan.ErrTokenBudget, careplan.ErrRefused, careplan.ErrContentFiltered} {
		if errors.Is(err, e) {
			msg = strings.TrimPrefix(e.Error(), "careplan: ")
		}
	}
	return msg
}
