package fake

import (
	"context"
	"net/http"

	"github.com/cikit/circleci-go/gen/genserver"
	"github.com/cikit/circleci-go/server"
)

// The operations below belong to API tags the fake does not simulate (yet). Each answers 501 Not
// Implemented, which every operation's default response allows, never a 2xx; the message says why.
// They return the [*server.Error] of [unavailable], which server.New writes as {"message": …} and,
// for the Policy Management and OIDC services whose documented error body is {"error": …}, with
// both fields.

// msgUnavailable is the message of every operation the fake does not simulate.
const msgUnavailable = "This endpoint is not available in circleci-fake."

// unavailable returns the 501 of an operation the fake does not simulate.
func unavailable() error { return server.NewError(http.StatusNotImplemented, msgUnavailable) }

// GetProjectWorkflowsPageData answers 501: the Insights API is not available in circleci-fake.
// CircleCI API: GET /insights/pages/{project-slug}/summary (getProjectWorkflowsPageData).
func (s *Server) GetProjectWorkflowsPageData(context.Context, genserver.GetProjectWorkflowsPageDataRequestObject) (genserver.GetProjectWorkflowsPageDataResponseObject, error) {
	return nil, unavailable()
}

// GetJobTimeseries answers 501: the Insights API is not available in circleci-fake.
// CircleCI API: GET /insights/time-series/{project-slug}/workflows/{workflow-name}/jobs (getJobTimeseries).
func (s *Server) GetJobTimeseries(context.Context, genserver.GetJobTimeseriesRequestObject) (genserver.GetJobTimeseriesResponseObject, error) {
	return nil, unavailable()
}

// GetOrgSummaryData answers 501: the Insights API is not available in circleci-fake.
// CircleCI API: GET /insights/{org-slug}/summary (getOrgSummaryData).
func (s *Server) GetOrgSummaryData(context.Context, genserver.GetOrgSummaryDataRequestObject) (genserver.GetOrgSummaryDataResponseObject, error) {
	return nil, unavailable()
}

// GetAllInsightsBranches answers 501: the Insights API is not available in circleci-fake.
// CircleCI API: GET /insights/{project-slug}/branches (getAllInsightsBranches).
func (s *Server) GetAllInsightsBranches(context.Context, genserver.GetAllInsightsBranchesRequestObject) (genserver.GetAllInsightsBranchesResponseObject, error) {
	return nil, unavailable()
}

// GetFlakyTests answers 501: the Insights API is not available in circleci-fake.
// CircleCI API: GET /insights/{project-slug}/flaky-tests (getFlakyTests).
func (s *Server) GetFlakyTests(context.Context, genserver.GetFlakyTestsRequestObject) (genserver.GetFlakyTestsResponseObject, error) {
	return nil, unavailable()
}

// GetProjectWorkflowMetrics answers 501: the Insights API is not available in circleci-fake.
// CircleCI API: GET /insights/{project-slug}/workflows (getProjectWorkflowMetrics).
func (s *Server) GetProjectWorkflowMetrics(context.Context, genserver.GetProjectWorkflowMetricsRequestObject) (genserver.GetProjectWorkflowMetricsResponseObject, error) {
	return nil, unavailable()
}

// GetProjectWorkflowRuns answers 501: the Insights API is not available in circleci-fake.
// CircleCI API: GET /insights/{project-slug}/workflows/{workflow-name} (getProjectWorkflowRuns).
func (s *Server) GetProjectWorkflowRuns(context.Context, genserver.GetProjectWorkflowRunsRequestObject) (genserver.GetProjectWorkflowRunsResponseObject, error) {
	return nil, unavailable()
}

// GetProjectWorkflowJobMetrics answers 501: the Insights API is not available in circleci-fake.
// CircleCI API: GET /insights/{project-slug}/workflows/{workflow-name}/jobs (getProjectWorkflowJobMetrics).
func (s *Server) GetProjectWorkflowJobMetrics(context.Context, genserver.GetProjectWorkflowJobMetricsRequestObject) (genserver.GetProjectWorkflowJobMetricsResponseObject, error) {
	return nil, unavailable()
}

// GetWorkflowSummary answers 501: the Insights API is not available in circleci-fake.
// CircleCI API: GET /insights/{project-slug}/workflows/{workflow-name}/summary (getWorkflowSummary).
func (s *Server) GetWorkflowSummary(context.Context, genserver.GetWorkflowSummaryRequestObject) (genserver.GetWorkflowSummaryResponseObject, error) {
	return nil, unavailable()
}

// GetProjectWorkflowTestMetrics answers 501: the Insights API is not available in circleci-fake.
// CircleCI API: GET /insights/{project-slug}/workflows/{workflow-name}/test-metrics (getProjectWorkflowTestMetrics).
func (s *Server) GetProjectWorkflowTestMetrics(context.Context, genserver.GetProjectWorkflowTestMetricsRequestObject) (genserver.GetProjectWorkflowTestMetricsResponseObject, error) {
	return nil, unavailable()
}

// CreateOrganization answers 501: the Organization API is not available in circleci-fake.
// CircleCI API: POST /organization (createOrganization).
func (s *Server) CreateOrganization(context.Context, genserver.CreateOrganizationRequestObject) (genserver.CreateOrganizationResponseObject, error) {
	return nil, unavailable()
}

// GetOrganization answers 501: the Organization API is not available in circleci-fake.
// CircleCI API: GET /organization/{org-slug-or-id} (getOrganization).
func (s *Server) GetOrganization(context.Context, genserver.GetOrganizationRequestObject) (genserver.GetOrganizationResponseObject, error) {
	return nil, unavailable()
}

// DeleteOrganization answers 501: the Organization API is not available in circleci-fake.
// CircleCI API: DELETE /organization/{org-slug-or-id} (deleteOrganization).
func (s *Server) DeleteOrganization(context.Context, genserver.DeleteOrganizationRequestObject) (genserver.DeleteOrganizationResponseObject, error) {
	return nil, unavailable()
}

// ListURLOrbAllowListEntries answers 501: the Organization API is not available in circleci-fake.
// CircleCI API: GET /organization/{org-slug-or-id}/url-orb-allow-list (listURLOrbAllowListEntries).
func (s *Server) ListURLOrbAllowListEntries(context.Context, genserver.ListURLOrbAllowListEntriesRequestObject) (genserver.ListURLOrbAllowListEntriesResponseObject, error) {
	return nil, unavailable()
}

// CreateURLOrbAllowListEntry answers 501: the Organization API is not available in circleci-fake.
// CircleCI API: POST /organization/{org-slug-or-id}/url-orb-allow-list (createURLOrbAllowListEntry).
func (s *Server) CreateURLOrbAllowListEntry(context.Context, genserver.CreateURLOrbAllowListEntryRequestObject) (genserver.CreateURLOrbAllowListEntryResponseObject, error) {
	return nil, unavailable()
}

// RemoveURLOrbAllowListEntry answers 501: the Organization API is not available in circleci-fake.
// CircleCI API: DELETE /organization/{org-slug-or-id}/url-orb-allow-list/{allow-list-entry-id} (removeURLOrbAllowListEntry).
func (s *Server) RemoveURLOrbAllowListEntry(context.Context, genserver.RemoveURLOrbAllowListEntryRequestObject) (genserver.RemoveURLOrbAllowListEntryResponseObject, error) {
	return nil, unavailable()
}

// GetOrganizationGroups answers 501: the Groups API is not available in circleci-fake.
// CircleCI API: GET /organizations/{org_id}/groups (getOrganizationGroups).
func (s *Server) GetOrganizationGroups(context.Context, genserver.GetOrganizationGroupsRequestObject) (genserver.GetOrganizationGroupsResponseObject, error) {
	return nil, unavailable()
}

// CreateOrganizationGroup answers 501: the Groups API is not available in circleci-fake.
// CircleCI API: POST /organizations/{org_id}/groups (createOrganizationGroup).
func (s *Server) CreateOrganizationGroup(context.Context, genserver.CreateOrganizationGroupRequestObject) (genserver.CreateOrganizationGroupResponseObject, error) {
	return nil, unavailable()
}

// GetGroup answers 501: the Groups API is not available in circleci-fake.
// CircleCI API: GET /organizations/{org_id}/groups/{group_id} (getGroup).
func (s *Server) GetGroup(context.Context, genserver.GetGroupRequestObject) (genserver.GetGroupResponseObject, error) {
	return nil, unavailable()
}

// DeleteGroup answers 501: the Groups API is not available in circleci-fake.
// CircleCI API: DELETE /organizations/{org_id}/groups/{group_id} (deleteGroup).
func (s *Server) DeleteGroup(context.Context, genserver.DeleteGroupRequestObject) (genserver.DeleteGroupResponseObject, error) {
	return nil, unavailable()
}

// CreateUsageExport answers 501: the Usage API is not available in circleci-fake.
// CircleCI API: POST /organizations/{org_id}/usage_export_job (createUsageExport).
func (s *Server) CreateUsageExport(context.Context, genserver.CreateUsageExportRequestObject) (genserver.CreateUsageExportResponseObject, error) {
	return nil, unavailable()
}

// GetUsageExport answers 501: the Usage API is not available in circleci-fake.
// CircleCI API: GET /organizations/{org_id}/usage_export_job/{usage_export_job_id} (getUsageExport).
func (s *Server) GetUsageExport(context.Context, genserver.GetUsageExportRequestObject) (genserver.GetUsageExportResponseObject, error) {
	return nil, unavailable()
}

// ListPipelineDefinitions answers 501: the Pipeline Definition API is not available in circleci-fake.
// CircleCI API: GET /projects/{project_id}/pipeline-definitions (listPipelineDefinitions).
func (s *Server) ListPipelineDefinitions(context.Context, genserver.ListPipelineDefinitionsRequestObject) (genserver.ListPipelineDefinitionsResponseObject, error) {
	return nil, unavailable()
}

// CreatePipelineDefinition answers 501: the Pipeline Definition API is not available in circleci-fake.
// CircleCI API: POST /projects/{project_id}/pipeline-definitions (createPipelineDefinition).
func (s *Server) CreatePipelineDefinition(context.Context, genserver.CreatePipelineDefinitionRequestObject) (genserver.CreatePipelineDefinitionResponseObject, error) {
	return nil, unavailable()
}

// GetPipelineDefinition answers 501: the Pipeline Definition API is not available in circleci-fake.
// CircleCI API: GET /projects/{project_id}/pipeline-definitions/{pipeline_definition_id} (getPipelineDefinition).
func (s *Server) GetPipelineDefinition(context.Context, genserver.GetPipelineDefinitionRequestObject) (genserver.GetPipelineDefinitionResponseObject, error) {
	return nil, unavailable()
}

// UpdatePipelineDefinition answers 501: the Pipeline Definition API is not available in circleci-fake.
// CircleCI API: PATCH /projects/{project_id}/pipeline-definitions/{pipeline_definition_id} (updatePipelineDefinition).
func (s *Server) UpdatePipelineDefinition(context.Context, genserver.UpdatePipelineDefinitionRequestObject) (genserver.UpdatePipelineDefinitionResponseObject, error) {
	return nil, unavailable()
}

// DeletePipelineDefinition answers 501: the Pipeline Definition API is not available in circleci-fake.
// CircleCI API: DELETE /projects/{project_id}/pipeline-definitions/{pipeline_definition_id} (deletePipelineDefinition).
func (s *Server) DeletePipelineDefinition(context.Context, genserver.DeletePipelineDefinitionRequestObject) (genserver.DeletePipelineDefinitionResponseObject, error) {
	return nil, unavailable()
}

// ListPipelineDefinitionTriggers answers 501: the Trigger API is not available in circleci-fake.
// CircleCI API: GET /projects/{project_id}/pipeline-definitions/{pipeline_definition_id}/triggers (listPipelineDefinitionTriggers).
func (s *Server) ListPipelineDefinitionTriggers(context.Context, genserver.ListPipelineDefinitionTriggersRequestObject) (genserver.ListPipelineDefinitionTriggersResponseObject, error) {
	return nil, unavailable()
}

// CreateTrigger answers 501: the Trigger API is not available in circleci-fake.
// CircleCI API: POST /projects/{project_id}/pipeline-definitions/{pipeline_definition_id}/triggers (createTrigger).
func (s *Server) CreateTrigger(context.Context, genserver.CreateTriggerRequestObject) (genserver.CreateTriggerResponseObject, error) {
	return nil, unavailable()
}

// GetTrigger answers 501: the Trigger API is not available in circleci-fake.
// CircleCI API: GET /projects/{project_id}/triggers/{trigger_id} (getTrigger).
func (s *Server) GetTrigger(context.Context, genserver.GetTriggerRequestObject) (genserver.GetTriggerResponseObject, error) {
	return nil, unavailable()
}

// UpdateTrigger answers 501: the Trigger API is not available in circleci-fake.
// CircleCI API: PATCH /projects/{project_id}/triggers/{trigger_id} (updateTrigger).
func (s *Server) UpdateTrigger(context.Context, genserver.UpdateTriggerRequestObject) (genserver.UpdateTriggerResponseObject, error) {
	return nil, unavailable()
}

// DeleteTrigger answers 501: the Trigger API is not available in circleci-fake.
// CircleCI API: DELETE /projects/{project_id}/triggers/{trigger_id} (deleteTrigger).
func (s *Server) DeleteTrigger(context.Context, genserver.DeleteTriggerRequestObject) (genserver.DeleteTriggerResponseObject, error) {
	return nil, unavailable()
}

// RollbackProject answers 501: the Rollback API is not available in circleci-fake.
// CircleCI API: POST /projects/{project_id}/rollback (rollbackProject).
func (s *Server) RollbackProject(context.Context, genserver.RollbackProjectRequestObject) (genserver.RollbackProjectResponseObject, error) {
	return nil, unavailable()
}

// ListEnvironments answers 501: the Deploy API is not available in circleci-fake.
// CircleCI API: GET /deploy/environments (listEnvironments).
func (s *Server) ListEnvironments(context.Context, genserver.ListEnvironmentsRequestObject) (genserver.ListEnvironmentsResponseObject, error) {
	return nil, unavailable()
}

// GetEnvironment answers 501: the Deploy API is not available in circleci-fake.
// CircleCI API: GET /deploy/environments/{environment_id} (getEnvironment).
func (s *Server) GetEnvironment(context.Context, genserver.GetEnvironmentRequestObject) (genserver.GetEnvironmentResponseObject, error) {
	return nil, unavailable()
}

// ListComponents answers 501: the Deploy API is not available in circleci-fake.
// CircleCI API: GET /deploy/components (listComponents).
func (s *Server) ListComponents(context.Context, genserver.ListComponentsRequestObject) (genserver.ListComponentsResponseObject, error) {
	return nil, unavailable()
}

// GetComponent answers 501: the Deploy API is not available in circleci-fake.
// CircleCI API: GET /deploy/components/{component_id} (getComponent).
func (s *Server) GetComponent(context.Context, genserver.GetComponentRequestObject) (genserver.GetComponentResponseObject, error) {
	return nil, unavailable()
}

// ListComponentVersions answers 501: the Deploy API is not available in circleci-fake.
// CircleCI API: GET /deploy/components/{component_id}/versions (listComponentVersions).
func (s *Server) ListComponentVersions(context.Context, genserver.ListComponentVersionsRequestObject) (genserver.ListComponentVersionsResponseObject, error) {
	return nil, unavailable()
}

// ListOtelExporters answers 501: the OTel API is not available in circleci-fake.
// CircleCI API: GET /otel/exporters (listOtelExporters).
func (s *Server) ListOtelExporters(context.Context, genserver.ListOtelExportersRequestObject) (genserver.ListOtelExportersResponseObject, error) {
	return nil, unavailable()
}

// CreateOtelExporter answers 501: the OTel API is not available in circleci-fake.
// CircleCI API: POST /otel/exporters (createOtelExporter).
func (s *Server) CreateOtelExporter(context.Context, genserver.CreateOtelExporterRequestObject) (genserver.CreateOtelExporterResponseObject, error) {
	return nil, unavailable()
}

// DeleteOtelExporter answers 501: the OTel API is not available in circleci-fake.
// CircleCI API: DELETE /otel/exporters/{otel_exporter_id} (deleteOtelExporter).
func (s *Server) DeleteOtelExporter(context.Context, genserver.DeleteOtelExporterRequestObject) (genserver.DeleteOtelExporterResponseObject, error) {
	return nil, unavailable()
}

// GetDecisionLogs answers 501: the Policy Management API is not available in circleci-fake.
// CircleCI API: GET /owner/{ownerID}/context/{context}/decision (GetDecisionLogs).
func (s *Server) GetDecisionLogs(context.Context, genserver.GetDecisionLogsRequestObject) (genserver.GetDecisionLogsResponseObject, error) {
	return nil, unavailable()
}

// MakeDecision answers 501: the Policy Management API is not available in circleci-fake.
// CircleCI API: POST /owner/{ownerID}/context/{context}/decision (MakeDecision).
func (s *Server) MakeDecision(context.Context, genserver.MakeDecisionRequestObject) (genserver.MakeDecisionResponseObject, error) {
	return nil, unavailable()
}

// GetDecisionSettings answers 501: the Policy Management API is not available in circleci-fake.
// CircleCI API: GET /owner/{ownerID}/context/{context}/decision/settings (GetDecisionSettings).
func (s *Server) GetDecisionSettings(context.Context, genserver.GetDecisionSettingsRequestObject) (genserver.GetDecisionSettingsResponseObject, error) {
	return nil, unavailable()
}

// SetDecisionSettings answers 501: the Policy Management API is not available in circleci-fake.
// CircleCI API: PATCH /owner/{ownerID}/context/{context}/decision/settings (SetDecisionSettings).
func (s *Server) SetDecisionSettings(context.Context, genserver.SetDecisionSettingsRequestObject) (genserver.SetDecisionSettingsResponseObject, error) {
	return nil, unavailable()
}

// GetDecisionLog answers 501: the Policy Management API is not available in circleci-fake.
// CircleCI API: GET /owner/{ownerID}/context/{context}/decision/{decisionID} (GetDecisionLog).
func (s *Server) GetDecisionLog(context.Context, genserver.GetDecisionLogRequestObject) (genserver.GetDecisionLogResponseObject, error) {
	return nil, unavailable()
}

// GetDecisionLogPolicyBundle answers 501: the Policy Management API is not available in circleci-fake.
// CircleCI API: GET /owner/{ownerID}/context/{context}/decision/{decisionID}/policy-bundle (GetDecisionLogPolicyBundle).
func (s *Server) GetDecisionLogPolicyBundle(context.Context, genserver.GetDecisionLogPolicyBundleRequestObject) (genserver.GetDecisionLogPolicyBundleResponseObject, error) {
	return nil, unavailable()
}

// GetPolicyBundle answers 501: the Policy Management API is not available in circleci-fake.
// CircleCI API: GET /owner/{ownerID}/context/{context}/policy-bundle (GetPolicyBundle).
func (s *Server) GetPolicyBundle(context.Context, genserver.GetPolicyBundleRequestObject) (genserver.GetPolicyBundleResponseObject, error) {
	return nil, unavailable()
}

// CreatePolicyBundle answers 501: the Policy Management API is not available in circleci-fake.
// CircleCI API: POST /owner/{ownerID}/context/{context}/policy-bundle (CreatePolicyBundle).
func (s *Server) CreatePolicyBundle(context.Context, genserver.CreatePolicyBundleRequestObject) (genserver.CreatePolicyBundleResponseObject, error) {
	return nil, unavailable()
}

// GetPolicyDocument answers 501: the Policy Management API is not available in circleci-fake.
// CircleCI API: GET /owner/{ownerID}/context/{context}/policy-bundle/{policyName} (GetPolicyDocument).
func (s *Server) GetPolicyDocument(context.Context, genserver.GetPolicyDocumentRequestObject) (genserver.GetPolicyDocumentResponseObject, error) {
	return nil, unavailable()
}

// GetOrgClaims answers 501: the OIDC Token Management API is not available in circleci-fake.
// CircleCI API: GET /org/{orgID}/oidc-custom-claims (GetOrgClaims).
func (s *Server) GetOrgClaims(context.Context, genserver.GetOrgClaimsRequestObject) (genserver.GetOrgClaimsResponseObject, error) {
	return nil, unavailable()
}

// PatchOrgClaims answers 501: the OIDC Token Management API is not available in circleci-fake.
// CircleCI API: PATCH /org/{orgID}/oidc-custom-claims (PatchOrgClaims).
func (s *Server) PatchOrgClaims(context.Context, genserver.PatchOrgClaimsRequestObject) (genserver.PatchOrgClaimsResponseObject, error) {
	return nil, unavailable()
}

// DeleteOrgClaims answers 501: the OIDC Token Management API is not available in circleci-fake.
// CircleCI API: DELETE /org/{orgID}/oidc-custom-claims (DeleteOrgClaims).
func (s *Server) DeleteOrgClaims(context.Context, genserver.DeleteOrgClaimsRequestObject) (genserver.DeleteOrgClaimsResponseObject, error) {
	return nil, unavailable()
}

// GetProjectClaims answers 501: the OIDC Token Management API is not available in circleci-fake.
// CircleCI API: GET /org/{orgID}/project/{projectID}/oidc-custom-claims (GetProjectClaims).
func (s *Server) GetProjectClaims(context.Context, genserver.GetProjectClaimsRequestObject) (genserver.GetProjectClaimsResponseObject, error) {
	return nil, unavailable()
}

// PatchProjectClaims answers 501: the OIDC Token Management API is not available in circleci-fake.
// CircleCI API: PATCH /org/{orgID}/project/{projectID}/oidc-custom-claims (PatchProjectClaims).
func (s *Server) PatchProjectClaims(context.Context, genserver.PatchProjectClaimsRequestObject) (genserver.PatchProjectClaimsResponseObject, error) {
	return nil, unavailable()
}

// DeleteProjectClaims answers 501: the OIDC Token Management API is not available in circleci-fake.
// CircleCI API: DELETE /org/{orgID}/project/{projectID}/oidc-custom-claims (DeleteProjectClaims).
func (s *Server) DeleteProjectClaims(context.Context, genserver.DeleteProjectClaimsRequestObject) (genserver.DeleteProjectClaimsResponseObject, error) {
	return nil, unavailable()
}
