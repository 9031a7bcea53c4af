package openc2

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"time"
)

// Message is the OpenC2-over-HTTPS 1.1 message: headers and a body that
// carries one request (or a response).
type Message struct {
	Headers Headers `json:"headers"`
	Body    Body    `json:"body"`
}

// Headers are the message headers. Created is milliseconds since the Unix
// epoch.
type Headers struct {
	RequestID string   `json:"request_id"`
	Created   int64    `json:"created"`
	From      string   `json:"from"`
	To        []string `json:"to,omitempty"`
}

// Body holds the OpenC2 content of a message.
type Body struct {
	OpenC2 Content `json:"openc2"`
}

// Content is a request or a response; the suite only produces requests.
type Content struct {
	Request  *Command        `json:"request,omitempty"`
	Response json.RawMessage `json:"response,omitempty"`
}

// requestIDPattern keeps request ids safe to embed in an nft comment and a
// header: the suite's ids are UUIDs, which match.
var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$`)

// CheckRequestID reports whether id is usable as a request id.
func CheckRequestID(id string) error {
	if !requestIDPattern.MatchString(id) {
		return fmt.Errorf("bad request id %q: want 1 to 100 letters, digits, '.', '_', ':' or '-'", id)
	}
	return nil
}

// NewMessage wraps cmd in a message from the producer from to the
// consumers to.
func NewMessage(cmd Command, requestID string, created time.Time, from string, to []string) (Message, error) {
	if err := CheckRequestID(requestID); err != nil {
		return Message{}, fmt.Errorf("new openc2 message: %w", err)
	}
	if from == "" {
		return Message{}, errors.New("new openc2 message: from is empty")
	}
	if err := cmd.Check(); err != nil {
		return Message{}, fmt.Errorf("new openc2 message: %w", err)
	}
	c := cmd
	return Message{
		Headers: Headers{RequestID: requestID, Created: created.UnixMilli(), From: from, To: to},
		Body:    Body{OpenC2: Content{Request: &c}},
	}, nil
}

// ParseMessage decodes a message that carries a request and checks the
// request as ParseCommand does.
func ParseMessage(data []byte) (Message, error) {
	var raw struct {
		Headers Headers `json:"headers"`
		Body    struct {
			OpenC2 struct {
				Request json.RawMessage `json:"request"`
			} `json:"openc2"`
		} `json:"body"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return Message{}, fmt.Errorf("decode openc2 message: %w", err)
	}
	if dec.More() {
		return Message{}, errors.New("decode openc2 message: data after the message")
	}
	if err := CheckRequestID(raw.Headers.RequestID); err != nil {
		return Message{}, fmt.Errorf("decode openc2 message: headers: %w", err)
	}
	if len(raw.Body.OpenC2.Request) == 0 {
		return Message{}, errors.New("decode openc2 message: body.openc2.request is missing")
	}
	cmd, err := ParseCommand(raw.Body.OpenC2.Request)
	if err != nil {
		return Message{}, fmt.Errorf("decode openc2 message %s: %w", raw.Headers.RequestID, err)
	}
	return Message{Headers: raw.Headers, Body: Body{OpenC2: Content{Request: &cmd}}}, nil
}
