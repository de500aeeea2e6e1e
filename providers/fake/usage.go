package fake

import "github.com/careguard/careguard/providers"

// EstimateUsage returns the token usage a [Model] reports for a reply whose
// output is output (Response.Text followed by Response.Refusal) when the
// step sets none:
//
//	InputTokens  = ⌈(total bytes of the Content of all of req's messages) / 4⌉
//	OutputTokens = ⌈len(output) / 4⌉
//	TotalTokens  = InputTokens + OutputTokens
//
// Roles, the schema and other fields are not counted. A nil req counts as
// no input.
func EstimateUsage(req *providers.Request, output string) providers.Usage {
	return estimate(req, len(output))
}

func estimate(req *providers.Request, outputBytes int) providers.Usage {
	var in int
	if req != nil {
		for _, m := range req.Messages {
			in += len(m.Content)
		}
	}
	u := providers.Usage{InputTokens: tokens(in), OutputTokens: tokens(outputBytes)}
	u.TotalTokens = u.InputTokens + u.OutputTokens
	return u
}

// tokens is ⌈n/4⌉.
func tokens(n int) int { return (n + 3) / 4 }
