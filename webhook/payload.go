package webhook

import "time"

// The event types, as sent in the Circleci-Event-Type header and the type field.
const (
	TypeWorkflowCompleted = "workflow-completed"
	TypeJobCompleted      = "job-completed"
)

// The headers of a delivery and the User-Agent CircleCI sends them with.
const (
	HeaderEventType = "Circleci-Event-Type"
	HeaderSignature = "Circleci-Signature"
	UserAgent       = "CircleCI-Webhook/1.0"
)

// Event is a decoded delivery: a [*WorkflowCompleted] or a [*JobCompleted]. Switch on its type.
type Event interface {
	// EventMetadata returns what every event carries.
	EventMetadata() Metadata
	isEvent()
}

// Metadata is what both events carry. Payloads are open: CircleCI may add fields at any time, and
// decoding ignores those it does not know.
type Metadata struct {
	// ID identifies the event; retries and duplicates of one delivery keep it.
	ID         string    `json:"id"`
	Type       string    `json:"type"`
	HappenedAt time.Time `json:"happened_at"`
	// Webhook is the webhook the event was sent to.
	Webhook      WebhookRef   `json:"webhook"`
	Project      Project      `json:"project"`
	Organization Organization `json:"organization"`
	Pipeline     Pipeline     `json:"pipeline"`
}

// EventMetadata returns m; the events embed it.
func (m Metadata) EventMetadata() Metadata { return m }

// WorkflowCompleted is sent when a workflow reaches a terminal status.
type WorkflowCompleted struct {
	Metadata
	Workflow Workflow `json:"workflow"`
}

// JobCompleted is sent when a job reaches a terminal status.
type JobCompleted struct {
	Metadata
	Workflow Workflow `json:"workflow"`
	Job      Job      `json:"job"`
}

func (*WorkflowCompleted) isEvent() {}
func (*JobCompleted) isEvent()      {}

// WebhookRef names the webhook a delivery was sent to.
type WebhookRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Project is the project of an event.
type Project struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Slug is the project slug, such as gh/org/repo.
	Slug string `json:"slug"`
}

// Organization is the organization of an event.
type Organization struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Pipeline is the pipeline an event's workflow belongs to.
type Pipeline struct {
	ID        string    `json:"id"`
	Number    int64     `json:"number"`
	CreatedAt time.Time `json:"created_at"`
	Trigger   Trigger   `json:"trigger"`
	// TriggerParameters holds what the trigger passed, by source (for example "circleci", "git").
	TriggerParameters map[string]any `json:"trigger_parameters,omitempty"`
	VCS               *VCS           `json:"vcs,omitempty"`
}

// Trigger tells how a pipeline was started.
type Trigger struct {
	// Type is for example "webhook", "api" or "scheduled_pipeline".
	Type string `json:"type"`
}

// VCS is the version-control data of a pipeline.
type VCS struct {
	ProviderName        string  `json:"provider_name"`
	OriginRepositoryURL string  `json:"origin_repository_url"`
	TargetRepositoryURL string  `json:"target_repository_url"`
	Revision            string  `json:"revision"`
	Branch              string  `json:"branch,omitempty"`
	Tag                 string  `json:"tag,omitempty"`
	Commit              *Commit `json:"commit,omitempty"`
}

// Commit is the commit a pipeline ran.
type Commit struct {
	Subject     string     `json:"subject"`
	Body        string     `json:"body"`
	Author      *Person    `json:"author,omitempty"`
	AuthoredAt  *time.Time `json:"authored_at,omitempty"`
	Committer   *Person    `json:"committer,omitempty"`
	CommittedAt *time.Time `json:"committed_at,omitempty"`
}

// Person is a commit's author or committer.
type Person struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

// Workflow is the workflow of an event.
type Workflow struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Status    string     `json:"status"`
	CreatedAt time.Time  `json:"created_at"`
	StoppedAt *time.Time `json:"stopped_at,omitempty"`
	URL       string     `json:"url"`
}

// Job is the job of a job-completed event.
type Job struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Number    int64      `json:"number"`
	Status    string     `json:"status"`
	StartedAt *time.Time `json:"started_at,omitempty"`
	StoppedAt *time.Time `json:"stopped_at,omitempty"`
}
