package intake

import (
	"context"
	"strconv"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// officialKey is a council and an indicator.
type officialKey struct {
	council   int
	indicator string
}

// reconcileContext loads what the reconciliation query (Q06) needs for the
// councils of a file: DfE's published figures by council and indicator,
// and every council's name, predecessors included.
func (s *Service) reconcileContext(ctx context.Context, councils []int) (map[officialKey][]domain.OfficialValue, map[int]string, error) {
	vals, err := s.DB.CouncilOfficial(ctx, councils)
	if err != nil {
		return nil, nil, err
	}
	official := map[officialKey][]domain.OfficialValue{}
	for _, o := range vals {
		n, err := strconv.Atoi(o.Area)
		if err != nil {
			continue
		}
		k := officialKey{n, o.Indicator}
		official[k] = append(official[k], o)
	}
	all, err := s.DB.AllCouncils(ctx)
	if err != nil {
		return nil, nil, err
	}
	names := make(map[int]string, len(all))
	for _, c := range all {
		names[c.Number] = c.Name
	}
	return official, names, nil
}
