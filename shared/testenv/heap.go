package testenv

import (
	"runtime/metrics"
	"sync"
	"time"
)

// HeapObjects is the bytes of live and not yet collected heap objects.
func HeapObjects() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// SamplePeakHeap samples HeapObjects every period until the returned
// function is called, which returns the highest sample (garbage awaiting
// collection included, as a process's peak would).
func SamplePeakHeap(every time.Duration) (stop func() uint64) {
	var peak uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				peak = max(peak, HeapObjects())
			}
		}
	})
	return func() uint64 {
		close(done)
		wg.Wait()
		return max(peak, HeapObjects())
	}
}
