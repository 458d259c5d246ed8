package fake

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
	"time"
)

// cronSchedule is a parsed five-field cron expression (minute, hour, day of month, month, day of
// week), read in UTC. Each field is a set of allowed values as a bit set; a field is a *, a value, a
// range a-b, a list of those separated by commas, and any of them with a step /n. Months and days of
// the week may be given by their three-letter English names; 0 and 7 are both Sunday. As in cron,
// when both the day of month and the day of week are restricted, a day matching either runs.
type cronSchedule struct {
	expr                   string
	minute, hour, dom, dow uint64
	month                  uint64
	domAny, dowAny         bool
}

var cronMonths = []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}
var cronDays = []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}

// parseCron parses a five-field cron expression; the error names the field that is wrong.
func parseCron(expr string) (cronSchedule, error) {
	c := cronSchedule{expr: expr}
	fields := strings.Fields(expr)
	if len(fields) != 5 {
		return c, fmt.Errorf("%q must have five fields (minute hour day-of-month month day-of-week), has %d", expr, len(fields))
	}
	specs := []struct {
		name     string
		min, max int
		names    []string
		out      *uint64
	}{
		{"minute", 0, 59, nil, &c.minute},
		{"hour", 0, 23, nil, &c.hour},
		{"day of month", 1, 31, nil, &c.dom},
		{"month", 1, 12, cronMonths, &c.month},
		{"day of week", 0, 7, cronDays, &c.dow},
	}
	for i, sp := range specs {
		set, err := parseCronField(fields[i], sp.min, sp.max, sp.names)
		if err != nil {
			return c, fmt.Errorf("%s field %q: %w", sp.name, fields[i], err)
		}
		*sp.out = set
	}
	if c.dow&(1<<7) != 0 {
		c.dow |= 1 // 7 is Sunday too
	}
	c.domAny, c.dowAny = fields[2] == "*", fields[4] == "*"
	return c, nil
}

func parseCronField(f string, lo, hi int, names []string) (uint64, error) {
	var set uint64
	for part := range strings.SplitSeq(f, ",") {
		rng, step := part, 1
		if i := strings.IndexByte(part, '/'); i >= 0 {
			n, err := strconv.Atoi(part[i+1:])
			if err != nil || n < 1 {
				return 0, fmt.Errorf("step %q is not a positive number", part[i+1:])
			}
			rng, step = part[:i], n
		}
		a, b := lo, hi
		if rng != "*" {
			x, y, isRange := strings.Cut(rng, "-")
			var err error
			if a, err = cronValue(x, lo, hi, names); err != nil {
				return 0, err
			}
			b = a
			if isRange {
				if b, err = cronValue(y, lo, hi, names); err != nil {
					return 0, err
				}
				if b < a {
					return 0, fmt.Errorf("range %q goes backwards", rng)
				}
			} else if step > 1 {
				b = hi // a/n: from a to the end
			}
		}
		for v := a; v <= b; v += step {
			set |= 1 << v
		}
	}
	return set, nil
}

func cronValue(s string, lo, hi int, names []string) (int, error) {
	for i, n := range names {
		if strings.EqualFold(s, n) {
			return i + lo, nil
		}
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < lo || v > hi {
		return 0, fmt.Errorf("%q is not a value from %d to %d", s, lo, hi)
	}
	return v, nil
}

func (c *cronSchedule) dayMatches(t time.Time) bool {
	dom := c.dom&(1<<t.Day()) != 0
	dow := c.dow&(1<<int(t.Weekday())) != 0
	switch {
	case c.domAny && c.dowAny:
		return true
	case c.domAny:
		return dow
	case c.dowAny:
		return dom
	}
	return dom || dow
}

// next returns the first minute strictly after t (in UTC) that the schedule runs at, and false when
// there is none within eight years (a day of month no month of the schedule has, such as 31 in
// February only).
func (c *cronSchedule) next(t time.Time) (time.Time, bool) {
	t = t.UTC().Truncate(time.Minute).Add(time.Minute)
	limit := t.AddDate(8, 0, 0)
	for t.Before(limit) {
		if c.month&(1<<int(t.Month())) == 0 {
			t = time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, time.UTC)
			continue
		}
		if !c.dayMatches(t) {
			t = time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, time.UTC)
			continue
		}
		if c.hour&(1<<t.Hour()) == 0 {
			t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour()+1, 0, 0, 0, time.UTC)
			continue
		}
		if c.minute&(1<<t.Minute()) == 0 {
			// the next allowed minute of this hour, or the next hour
			rest := c.minute >> (t.Minute() + 1) << (t.Minute() + 1)
			if rest == 0 {
				t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour()+1, 0, 0, 0, time.UTC)
				continue
			}
			t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), bits.TrailingZeros64(rest), 0, 0, time.UTC)
		}
		return t, true
	}
	return time.Time{}, false
}
