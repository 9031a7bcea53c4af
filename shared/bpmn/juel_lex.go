package bpmn

import (
	"fmt"
	"strings"
)

// tokKind classifies a JUEL token.
type tokKind int

const (
	tokEOF    tokKind = iota
	tokIdent          // a name, or a keyword operator such as and, eq, empty
	tokString         // text is the unescaped value
	tokInt
	tokFloat
	tokOp  // punctuation operators and parentheses
	tokEnd // the closing brace of ${...}
)

type token struct {
	kind tokKind
	text string
	pos  int // byte offset in the source
}

// lexer splits the inside of one ${...} into tokens, stopping at the closing brace.
type lexer struct {
	src string
	pos int
}

// twoCharOps are tried before the single-character operators.
var twoCharOps = []string{"==", "!=", "<=", ">=", "&&", "||"}

// next returns the next token or an error naming the offending offset.
func (l *lexer) next() (token, error) {
	for l.pos < len(l.src) && strings.IndexByte(" \t\r\n", l.src[l.pos]) >= 0 {
		l.pos++
	}
	if l.pos >= len(l.src) {
		return token{kind: tokEOF, pos: l.pos}, nil
	}
	start := l.pos
	c := l.src[l.pos]
	switch {
	case c == '}':
		l.pos++
		return token{kind: tokEnd, text: "}", pos: start}, nil
	case c == '\'' || c == '"':
		return l.str(c)
	case c >= '0' && c <= '9' || c == '.' && l.pos+1 < len(l.src) && isDigit(l.src[l.pos+1]):
		return l.number(), nil
	case isIdentStart(c):
		for l.pos < len(l.src) && isIdentPart(l.src[l.pos]) {
			l.pos++
		}
		return token{kind: tokIdent, text: l.src[start:l.pos], pos: start}, nil
	}
	for _, op := range twoCharOps {
		if strings.HasPrefix(l.src[l.pos:], op) {
			l.pos += 2
			return token{kind: tokOp, text: op, pos: start}, nil
		}
	}
	if strings.IndexByte("<>!().,-+*/%?:[]", c) >= 0 {
		l.pos++
		return token{kind: tokOp, text: string(c), pos: start}, nil
	}
	return token{}, fmt.Errorf("unexpected character %q at offset %d", c, start)
}

// str reads a quoted literal; EL knows only the escapes \', \" and \\.
func (l *lexer) str(quote byte) (token, error) {
	start := l.pos
	l.pos++
	var b strings.Builder
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch {
		case c == quote:
			l.pos++
			return token{kind: tokString, text: b.String(), pos: start}, nil
		case c == '\\' && l.pos+1 < len(l.src) && strings.IndexByte(`'"\`, l.src[l.pos+1]) >= 0:
			b.WriteByte(l.src[l.pos+1])
			l.pos += 2
		default:
			b.WriteByte(c)
			l.pos++
		}
	}
	return token{}, fmt.Errorf("unterminated string literal at offset %d", start)
}

// number reads an integer or a decimal literal (digits, optional fraction, optional exponent).
func (l *lexer) number() token {
	start := l.pos
	kind := tokInt
	for l.pos < len(l.src) && isDigit(l.src[l.pos]) {
		l.pos++
	}
	if l.pos < len(l.src) && l.src[l.pos] == '.' {
		kind = tokFloat
		l.pos++
		for l.pos < len(l.src) && isDigit(l.src[l.pos]) {
			l.pos++
		}
	}
	if l.pos < len(l.src) && (l.src[l.pos] == 'e' || l.src[l.pos] == 'E') {
		p := l.pos + 1
		if p < len(l.src) && (l.src[p] == '+' || l.src[p] == '-') {
			p++
		}
		if p < len(l.src) && isDigit(l.src[p]) {
			kind = tokFloat
			for p < len(l.src) && isDigit(l.src[p]) {
				p++
			}
			l.pos = p
		}
	}
	return token{kind: kind, text: l.src[start:l.pos], pos: start}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isIdentStart(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isIdentPart(c byte) bool { return isIdentStart(c) || isDigit(c) }
