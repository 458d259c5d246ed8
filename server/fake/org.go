package fake

import "github.com/google/uuid"

// org is an organization: a VCS one (gh/<name>, bb/<name>) or a standalone circleci/<uuid> one.
type org struct {
	id        uuid.UUID
	name      string
	slug      string            // "gh/demo-org" or "circleci/<uuid>"
	vcsType   string            // "github", "bitbucket" or "circleci"
	pipelines []int32           // positions in state.pipelines, oldest first
	byActor   map[*user][]int32 // the positions of the pipelines each user triggered, oldest first
	contexts  []*orgContext
}

// addOrg stores o, whose slug and id no other organization has; the caller holds s.mu or owns s.
func (st *state) addOrg(o *org) {
	key, _ := orgKey(o.slug)
	st.orgsBySlug[key] = o
	st.orgsByID[o.id] = o
}
