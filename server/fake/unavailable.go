package fake

import (
	"context"
	"net/http"

	"github.com/cikit/circleci-go/gen"
	"github.com/cikit/circleci-go/server"
)

// The operations below belong to API tags the fake does not simulate (yet). Each answers 501 Not
// Implemented, which every operation's default response allows, never a 2xx; the message says why.
// The Policy Management and OIDC services document the error body {"error": …}, which no typed
// response of theirs can carry together with the kit's "message"; those return a server.Error
// instead, which server.New writes with both fields.

// msgUnavailable is the message of every operation the fake does not simulate.
const msgUnavailable = "This endpoint is not available in circleci-fake."

// GetProjectWorkflowsPageData answers 501: the Insights API is not available in circleci-fake.
// CircleCI API: GET /insights/pages/{project-slug}/summary (getProjectWorkflowsPageData).
func (s *Server) GetProjectWorkflowsPageData(context.Context, gen.GetProjectWorkflowsPageDataRequestObject) (gen.GetProjectWorkflowsPageDataResponseObject, error) {
	return gen.GetProjectWorkflowsPageDatadefaultJSONResponse{StatusCode: http.StatusNotImplemented, Body: gen.Error{Message: msgUnavailable}}, nil
}

// GetJobTimeseries answers 501: the Insights API is not available in circleci-fake.
// CircleCI API: GET /insights/time-series/{project-slug}/workflows/{workflow-name}/jobs (getJobTimeseries).
func (s *Server) GetJobTimeseries(context.Context, gen.GetJobTimeseriesRequestObject) (gen.GetJobTimeseriesResponseObject, error) {
	return gen.GetJobTimeseriesdefaultJSONResponse{StatusCode: http.StatusNotImplemented, Body: gen.Error{Message: msgUnavailable}}, nil
}

// GetOrgSummaryData answers 501: the Insights API is not available in circleci-fake.
// CircleCI API: GET /insights/{org-slug}/summary (getOrgSummaryData).
func (s *Server) GetOrgSummaryData(context.Context, gen.GetOrgSummaryDataRequestObject) (gen.GetOrgSummaryDataResponseObject, error) {
	return gen.GetOrgSummaryDatadefaultJSONResponse{StatusCode: http.StatusNotImplemented, Body: gen.Error{Message: msgUnavailable}}, nil
}

// GetAllInsightsBranches answers 501: the Insights API is not available in circleci-fake.
// CircleCI API: GET /insights/{project-slug}/branches (getAllInsightsBranches).
func (s *Server) GetAllInsightsBranches(context.Context, gen.GetAllInsightsBranchesRequestObject) (gen.GetAllInsightsBranchesResponseObject, error) {
	return gen.GetAllInsightsBranchesdefaultJSONResponse{StatusCode: http.StatusNotImplemented, Body: gen.Error{Message: msgUnavailable}}, nil
}

// GetFlakyTests answers 501: the Insights API is not available in circleci-fake.
// CircleCI API: GET /insights/{project-slug}/flaky-tests (getFlakyTests).
func (s *Server) GetFlakyTests(context.Context, gen.GetFlakyTestsRequestObject) (gen.GetFlakyTestsResponseObject, error) {
	return gen.GetFlakyTestsdefaultJSONResponse{StatusCode: http.StatusNotImplemented, Body: gen.Error{Message: msgUnavailable}}, nil
}

// GetProjectWorkflowMetrics answers 501: the Insights API is not available in circleci-fake.
// CircleCI API: GET /insights/{project-slug}/workflows (getProjectWorkflowMetrics).
func (s *Server) GetProjectWorkflowMetrics(context.Context, gen.GetProjectWorkflowMetricsRequestObject) (gen.GetProjectWorkflowMetricsResponseObject, error) {
	return gen.GetProjectWorkflowMetricsdefaultJSONResponse{StatusCode: http.StatusNotImplemented, Body: gen.Error{Message: msgUnavailable}}, nil
}

// GetProjectWorkflowRuns answers 501: the Insights API is not available in circleci-fake.
// CircleCI API: GET /insights/{project-slug}/workflows/{workflow-name} (getProjectWorkflowRuns).
func (s *Server) GetProjectWorkflowRuns(context.Context, gen.GetProjectWorkflowRunsRequestObject) (gen.GetProjectWorkflowRunsResponseObject, error) {
	return gen.GetProjectWorkflowRunsdefaultJSONResponse{StatusCode: http.StatusNotImplemented, Body: gen.Error{Message: msgUnavailable}}, nil
}

// GetProjectWorkflowJobMetrics answers 501: the Insights API is not available in circleci-fake.
// CircleCI API: GET /insights/{project-slug}/workflows/{workflow-name}/jobs (getProjectWorkflowJobMetrics).
func (s *Server) GetProjectWorkflowJobMetrics(context.Context, gen.GetProjectWorkflowJobMetricsRequestObject) (gen.GetProjectWorkflowJobMetricsResponseObject, error) {
	return gen.GetProjectWorkflowJobMetricsdefaultJSONResponse{StatusCode: http.StatusNotImplemented, Body: gen.Error{Message: msgUnavailable}}, nil
}

// GetWorkflowSummary answers 501: the Insights API is not available in circleci-fake.
// CircleCI API: GET /insights/{project-slug}/workflows/{workflow-name}/summary (getWorkflowSummary).
func (s *Server) GetWorkflowSummary(context.Context, gen.GetWorkflowSummaryRequestObject) (gen.GetWorkflowSummaryResponseObject, error) {
	return gen.GetWorkflowSummarydefaultJSONResponse{StatusCode: http.StatusNotImplemented, Body: gen.Error{Message: msgUnavailable}}, nil
}

// GetProjectWorkflowTestMetrics answers 501: the Insights API is not available in circleci-fake.
// CircleCI API: GET /insights/{project-slug}/workflows/{workflow-name}/test-metrics (getProjectWorkflowTestMetrics).
func (s *Server) GetProjectWorkflowTestMetrics(context.Context, gen.GetProjectWorkflowTestMetricsRequestObject) (gen.GetProjectWorkflowTestMetricsResponseObject, error) {
	return gen.GetProjectWorkflowTestMetricsdefaultJSONResponse{StatusCode: http.StatusNotImplemented, Body: gen.Error{Message: msgUnavailable}}, nil
}

// CreateOrganization answers 501: the Organization API is not available in circleci-fake.
// CircleCI API: POST /organization (createOrganization).
func (s *Server) CreateOrganization(context.Context, gen.CreateOrganizationRequestObject) (gen.CreateOrganizationResponseObject, error) {
	return gen.CreateOrganizationdefaultJSONResponse{StatusCode: http.StatusNotImplemented, Body: gen.Error{Message: msgUnavailable}}, nil
}

// GetOrganization answers 501: the Organization API is not available in circleci-fake.
// CircleCI API: GET /organization/{org-slug-or-id} (getOrganization).
func (s *Server) GetOrganization(context.Context, gen.GetOrganizationRequestObject) (gen.GetOrganizationResponseObject, error) {
	return gen.GetOrganizationdefaultJSONResponse{StatusCode: http.StatusNotImplemented, Body: gen.Error{Message: msgUnavailable}}, nil
}

// DeleteOrganization answers 501: the Organization API is not available in circleci-fake.
// CircleCI API: DELETE /organization/{org-slug-or-id} (deleteOrganization).
func (s *Server) DeleteOrganization(context.Context, gen.DeleteOrganizationRequestObject) (gen.DeleteOrganizationResponseObject, error) {
	return gen.DeleteOrganizationdefaultJSONResponse{StatusCode: http.StatusNotImplemented, Body: gen.Error{Message: msgUnavailable}}, nil
}

// ListURLOrbAllowListEntries answers 501: the Organization API is not available in circleci-fake.
// CircleCI API: GET /organization/{org-slug-or-id}/url-orb-allow-list (listURLOrbAllowListEntries).
func (s *Server) ListURLOrbAllowListEntries(context.Context, gen.ListURLOrbAllowListEntriesRequestObject) (gen.ListURLOrbAllowListEntriesResponseObject, error) {
	return gen.ListURLOrbAllowListEntriesdefaultJSONResponse{StatusCode: http.StatusNotImplemented, Body: gen.Error{Message: msgUnavailable}}, nil
}

// CreateURLOrbAllowListEntry answers 501: the Organization API is not available in circleci-fake.
// CircleCI API: POST /organization/{org-slug-or-id}/url-orb-allow-list (createURLOrbAllowListEntry).
func (s *Server) CreateURLOrbAllowListEntry(context.Context, gen.CreateURLOrbAllowListEntryRequestObject) (gen.CreateURLOrbAllowListEntryResponseObject, error) {
	return gen.CreateURLOrbAllowListEntrydefaultJSONResponse{StatusCode: http.StatusNotImplemented, Body: gen.Error{Message: msgUnavailable}}, nil
}

// RemoveURLOrbAllowListEntry answers 501: the Organization API is not available in circleci-fake.
// CircleCI API: DELETE /organization/{org-slug-or-id}/url-orb-allow-list/{allow-list-entry-id} (removeURLOrbAllowListEntry).
func (s *Server) RemoveURLOrbAllowListEntry(context.Context, gen.RemoveURLOrbAllowListEntryRequestObject) (gen.RemoveURLOrbAllowListEntryResponseObject, error) {
	return gen.RemoveURLOrbAllowListEntrydefaultJSONResponse{StatusCode: http.StatusNotImplemented, Body: gen.Error{Message: msgUnavailable}}, nil
}

// GetOrganizationGroups answers 501: the Groups API is not available in circleci-fake.
// CircleCI API: GET /organizations/{org_id}/groups (getOrganizationGroups).
func (s *Server) GetOrganizationGroups(context.Context, gen.GetOrganizationGroupsRequestObject) (gen.GetOrganizationGroupsResponseObject, error) {
	return gen.GetOrganizationGroupsdefaultJSONResponse{StatusCode: http.StatusNotImplemented, Body: gen.Error{Message: msgUnavailable}}, nil
}

// CreateOrganizationGroup answers 501: the Groups API is not available in circleci-fake.
// CircleCI API: POST /organizations/{org_id}/groups (createOrganizationGroup).
func (s *Server) CreateOrganizationGroup(context.Context, gen.CreateOrganizationGroupRequestObject) (gen.CreateOrganizationGroupResponseObject, error) {
	return gen.CreateOrganizationGroupdefaultJSONResponse{StatusCode: http.StatusNotImplemented, Body: gen.Error{Message: msgUnavailable}}, nil
}

// GetGroup answers 501: the Groups API is not available in circleci-fake.
// CircleCI API: GET /organizations/{org_id}/groups/{group_id} (getGroup).
func (s *Server) GetGroup(context.Context, gen.GetGroupRequestObject) (gen.GetGroupResponseObject, error) {
	return gen.GetGroupdefaultJSONResponse{StatusCode: http.StatusNotImplemented, Body: gen.Error{Message: msgUnavailable}}, nil
}

// DeleteGroup answers 501: the Groups API is not available in circleci-fake.
// CircleCI API: DELETE /organizations/{org_id}/groups/{group_id} (deleteGroup).
func (s *Server) DeleteGroup(context.Context, gen.DeleteGroupRequestObject) (gen.DeleteGroupResponseObject, error) {
	return gen.DeleteGroupdefaultJSONResponse{StatusCode: http.StatusNotImplemented, Body: gen.Error{Message: msgUnavailable}}, nil
}

// CreateUsageExport answers 501: the Usage API is not available in circleci-fake.
// CircleCI API: POST /organizations/{org_id}/usage_export_job (createUsageExport).
func (s *Server) CreateUsageExport(context.Context, gen.CreateUsageExportRequestObject) (gen.CreateUsageExportResponseObject, error) {
	return gen.CreateUsageExportdefaultJSONResponse{StatusCode: http.StatusNotImplemented, Body: gen.Error{Message: msgUnavailable}}, nil
}

// GetUsageExport answers 501: the Usage API is not available in circleci-fake.
// CircleCI API: GET /organizations/{org_id}/usage_export_job/{usage_export_job_id} (getUsageExport).
func (s *Server) GetUsageExport(context.Context, gen.GetUsageExportRequestObject) (gen.GetUsageExportResponseObject, error) {
	return gen.GetUsageExportdefaultJSONResponse{StatusCode: http.StatusNotImplemented, Body: gen.Error{Message: msgUnavailable}}, nil
}

// ListPipelineDefinitions answers 501: the Pipeline Definition API is not available in circleci-fake.
// CircleCI API: GET /projects/{project_id}/pipeline-definitions (listPipelineDefinitions).
func (s *Server) ListPipelineDefinitions(context.Context, gen.ListPipelineDefinitionsRequestObject) (gen.ListPipelineDefinitionsResponseObject, error) {
	return gen.ListPipelineDefinitionsdefaultJSONResponse{StatusCode: http.StatusNotImplemented, Body: gen.Error{Message: msgUnavailable}}, nil
}

// CreatePipelineDefinition answers 501: the Pipeline Definition API is not available in circleci-fake.
// CircleCI API: POST /projects/{project_id}/pipeline-definitions (createPipelineDefinition).
func (s *Server) CreatePipelineDefinition(context.Context, gen.CreatePipelineDefinitionRequestObject) (gen.CreatePipelineDefinitionResponseObject, error) {
	return gen.CreatePipelineDefinitiondefaultJSONResponse{StatusCode: http.StatusNotImplemented, Body: gen.Error{Message: msgUnavailable}}, nil
}

// GetPipelineDefinition answers 501: the Pipeline Definition API is not available in circleci-fake.
// CircleCI API: GET /projects/{project_id}/pipeline-definitions/{pipeline_definition_id} (getPipelineDefinition).
func (s *Server) GetPipelineDefinition(context.Context, gen.GetPipelineDefinitionRequestObject) (gen.GetPipelineDefinitionResponseObject, error) {
	return gen.GetPipelineDefinitiondefaultJSONResponse{StatusCode: http.StatusNotImplemented, Body: gen.Error{Message: msgUnavailable}}, nil
}

// UpdatePipelineDefinition answers 501: the Pipeline Definition API is not available in circleci-fake.
// CircleCI API: PATCH /projects/{project_id}/pipeline-definitions/{pipeline_definition_id} (updatePipelineDefinition).
func (s *Server) UpdatePipelineDefinition(context.Context, gen.UpdatePipelineDefinitionRequestObject) (gen.UpdatePipelineDefinitionResponseObject, error) {
	return gen.UpdatePipelineDefinitiondefaultJSONResponse{StatusCode: http.StatusNotImplemented, Body: gen.Error{Message: msgUnavailable}}, nil
}

// DeletePipelineDefinition answers 501: the Pipeline Definition API is not available in circleci-fake.
// CircleCI API: DELETE /projects/{project_id}/pipeline-definitions/{pipeline_definition_id} (deletePipelineDefinition).
func (s *Server) DeletePipelineDefinition(context.Context, gen.DeletePipelineDefinitionRequestObject) (gen.DeletePipelineDefinitionResponseObject, error) {
	return gen.DeletePipelineDefinitiondefaultJSONResponse{StatusCode: http.StatusNotImplemented, Body: gen.Error{Message: msgUnavailable}}, nil
}

// ListPipelineDefinitionTriggers answers 501: the Trigger API is not available in circleci-fake.
// CircleCI API: GET /projects/{project_id}/pipeline-definitions/{pipeline_definition_id}/triggers (listPipelineDefinitionTriggers).
func (s *Server) ListPipelineDefinitionTriggers(context.Context, gen.ListPipelineDefinitionTriggersRequestObject) (gen.ListPipelineDefinitionTriggersResponseObject, error) {
	return gen.ListPipelineDefinitionTriggersdefaultJSONResponse{StatusCode: http.StatusNotImplemented, Body: gen.Error{Message: msgUnavailable}}, nil
}

// CreateTrigger answers 501: the Trigger API is not available in circleci-fake.
// CircleCI API: POST /projects/{project_id}/pipeline-definitions/{pipeline_definition_id}/triggers (createTrigger).
func (s *Server) CreateTrigger(context.Context, gen.CreateTriggerRequestObject) (gen.CreateTriggerResponseObject, error) {
	return gen.CreateTriggerdefaultJSONResponse{StatusCode: http.StatusNotImplemented, Body: gen.Error{Message: msgUnavailable}}, nil
}

// GetTrigger answers 501: the Trigger API is not available in circleci-fake.
// CircleCI API: GET /projects/{project_id}/triggers/{trigger_id} (getTrigger).
func (s *Server) GetTrigger(context.Context, gen.GetTriggerRequestObject) (gen.GetTriggerResponseObject, error) {
	return gen.GetTriggerdefaultJSONResponse{StatusCode: http.StatusNotImplemented, Body: gen.Error{Message: msgUnavailable}}, nil
}

// UpdateTrigger answers 501: the Trigger API is not available in circleci-fake.
// CircleCI API: PATCH /projects/{project_id}/triggers/{trigger_id} (updateTrigger).
func (s *Server) UpdateTrigger(context.Context, gen.UpdateTriggerRequestObject) (gen.UpdateTriggerResponseObject, error) {
	return gen.UpdateTriggerdefaultJSONResponse{StatusCode: http.StatusNotImplemented, Body: gen.Error{Message: msgUnavailable}}, nil
}

// DeleteTrigger answers 501: the Trigger API is not available in circleci-fake.
// CircleCI API: DELETE /projects/{project_id}/triggers/{trigger_id} (deleteTrigger).
func (s *Server) DeleteTrigger(context.Context, gen.DeleteTriggerRequestObject) (gen.DeleteTriggerResponseObject, error) {
	return gen.DeleteTriggerdefaultJSONResponse{StatusCode: http.StatusNotImplemented, Body: gen.Error{Message: msgUnavailable}}, nil
}

// RollbackProject answers 501: the Rollback API is not available in circleci-fake.
// CircleCI API: POST /projects/{project_id}/rollback (rollbackProject).
func (s *Server) RollbackProject(context.Context, gen.RollbackProjectRequestObject) (gen.RollbackProjectResponseObject, error) {
	return gen.RollbackProjectdefaultJSONResponse{StatusCode: http.StatusNotImplemented, Body: gen.Error{Message: msgUnavailable}}, nil
}

// ListEnvironments answers 501: the Deploy API is not available in circleci-fake.
// CircleCI API: GET /deploy/environments (listEnvironments).
func (s *Server) ListEnvironments(context.Context, gen.ListEnvironmentsRequestObject) (gen.ListEnvironmentsResponseObject, error) {
	return gen.ListEnvironmentsdefaultJSONResponse{StatusCode: http.StatusNotImplemented, Body: gen.Error{Message: msgUnavailable}}, nil
}

// GetEnvironment answers 501: the Deploy API is not available in circleci-fake.
// CircleCI API: GET /deploy/environments/{environment_id} (getEnvironment).
func (s *Server) GetEnvironment(context.Context, gen.GetEnvironmentRequestObject) (gen.GetEnvironmentResponseObject, error) {
	return gen.GetEnvironmentdefaultJSONResponse{StatusCode: http.StatusNotImplemented, Body: gen.Error{Message: msgUnavailable}}, nil
}

// ListComponents answers 501: the Deploy API is not available in circleci-fake.
// CircleCI API: GET /deploy/components (listComponents).
func (s *Server) ListComponents(context.Context, gen.ListComponentsRequestObject) (gen.ListComponentsResponseObject, error) {
	return gen.ListComponentsdefaultJSONResponse{StatusCode: http.StatusNotImplemented, Body: gen.Error{Message: msgUnavailable}}, nil
}

// GetComponent answers 501: the Deploy API is not available in circleci-fake.
// CircleCI API: GET /deploy/components/{component_id} (getComponent).
func (s *Server) GetComponent(context.Context, gen.GetComponentRequestObject) (gen.GetComponentResponseObject, error) {
	return gen.GetComponentdefaultJSONResponse{StatusCode: http.StatusNotImplemented, Body: gen.Error{Message: msgUnavailable}}, nil
}

// ListComponentVersions answers 501: the Deploy API is not available in circleci-fake.
// CircleCI API: GET /deploy/components/{component_id}/versions (listComponentVersions).
func (s *Server) ListComponentVersions(context.Context, gen.ListComponentVersionsRequestObject) (gen.ListComponentVersionsResponseObject, error) {
	return gen.ListComponentVersionsdefaultJSONResponse{StatusCode: http.StatusNotImplemented, Body: gen.Error{Message: msgUnavailable}}, nil
}

// ListOtelExporters answers 501: the OTel API is not available in circleci-fake.
// CircleCI API: GET /otel/exporters (listOtelExporters).
func (s *Server) ListOtelExporters(context.Context, gen.ListOtelExportersRequestObject) (gen.ListOtelExportersResponseObject, error) {
	return gen.ListOtelExportersdefaultJSONResponse{StatusCode: http.StatusNotImplemented, Body: gen.Error{Message: msgUnavailable}}, nil
}

// CreateOtelExporter answers 501: the OTel API is not available in circleci-fake.
// CircleCI API: POST /otel/exporters (createOtelExporter).
func (s *Server) CreateOtelExporter(context.Context, gen.CreateOtelExporterRequestObject) (gen.CreateOtelExporterResponseObject, error) {
	return gen.CreateOtelExporterdefaultJSONResponse{StatusCode: http.StatusNotImplemented, Body: gen.Error{Message: msgUnavailable}}, nil
}

// DeleteOtelExporter answers 501: the OTel API is not available in circleci-fake.
// CircleCI API: DELETE /otel/exporters/{otel_exporter_id} (deleteOtelExporter).
func (s *Server) DeleteOtelExporter(context.Context, gen.DeleteOtelExporterRequestObject) (gen.DeleteOtelExporterResponseObject, error) {
	return gen.DeleteOtelExporterdefaultJSONResponse{StatusCode: http.StatusNotImplemented, Body: gen.Error{Message: msgUnavailable}}, nil
}

// GetDecisionLogs answers 501: the Policy Management API is not available in circleci-fake.
// CircleCI API: GET /owner/{ownerID}/context/{context}/decision (GetDecisionLogs).
func (s *Server) GetDecisionLogs(context.Context, gen.GetDecisionLogsRequestObject) (gen.GetDecisionLogsResponseObject, error) {
	return nil, server.NewError(http.StatusNotImplemented, msgUnavailable) // the kit writes {"message", "error"}, the shape of this service
}

// MakeDecision answers 501: the Policy Management API is not available in circleci-fake.
// CircleCI API: POST /owner/{ownerID}/context/{context}/decision (MakeDecision).
func (s *Server) MakeDecision(context.Context, gen.MakeDecisionRequestObject) (gen.MakeDecisionResponseObject, error) {
	return nil, server.NewError(http.StatusNotImplemented, msgUnavailable) // the kit writes {"message", "error"}, the shape of this service
}

// GetDecisionSettings answers 501: the Policy Management API is not available in circleci-fake.
// CircleCI API: GET /owner/{ownerID}/context/{context}/decision/settings (GetDecisionSettings).
func (s *Server) GetDecisionSettings(context.Context, gen.GetDecisionSettingsRequestObject) (gen.GetDecisionSettingsResponseObject, error) {
	return nil, server.NewError(http.StatusNotImplemented, msgUnavailable) // the kit writes {"message", "error"}, the shape of this service
}

// SetDecisionSettings answers 501: the Policy Management API is not available in circleci-fake.
// CircleCI API: PATCH /owner/{ownerID}/context/{context}/decision/settings (SetDecisionSettings).
func (s *Server) SetDecisionSettings(context.Context, gen.SetDecisionSettingsRequestObject) (gen.SetDecisionSettingsResponseObject, error) {
	return nil, server.NewError(http.StatusNotImplemented, msgUnavailable) // the kit writes {"message", "error"}, the shape of this service
}

// GetDecisionLog answers 501: the Policy Management API is not available in circleci-fake.
// CircleCI API: GET /owner/{ownerID}/context/{context}/decision/{decisionID} (GetDecisionLog).
func (s *Server) GetDecisionLog(context.Context, gen.GetDecisionLogRequestObject) (gen.GetDecisionLogResponseObject, error) {
	return nil, server.NewError(http.StatusNotImplemented, msgUnavailable) // the kit writes {"message", "error"}, the shape of this service
}

// GetDecisionLogPolicyBundle answers 501: the Policy Management API is not available in circleci-fake.
// CircleCI API: GET /owner/{ownerID}/context/{context}/decision/{decisionID}/policy-bundle (GetDecisionLogPolicyBundle).
func (s *Server) GetDecisionLogPolicyBundle(context.Context, gen.GetDecisionLogPolicyBundleRequestObject) (gen.GetDecisionLogPolicyBundleResponseObject, error) {
	return nil, server.NewError(http.StatusNotImplemented, msgUnavailable) // the kit writes {"message", "error"}, the shape of this service
}

// GetPolicyBundle answers 501: the Policy Management API is not available in circleci-fake.
// CircleCI API: GET /owner/{ownerID}/context/{context}/policy-bundle (GetPolicyBundle).
func (s *Server) GetPolicyBundle(context.Context, gen.GetPolicyBundleRequestObject) (gen.GetPolicyBundleResponseObject, error) {
	return nil, server.NewError(http.StatusNotImplemented, msgUnavailable) // the kit writes {"message", "error"}, the shape of this service
}

// CreatePolicyBundle answers 501: the Policy Management API is not available in circleci-fake.
// CircleCI API: POST /owner/{ownerID}/context/{context}/policy-bundle (CreatePolicyBundle).
func (s *Server) CreatePolicyBundle(context.Context, gen.CreatePolicyBundleRequestObject) (gen.CreatePolicyBundleResponseObject, error) {
	return nil, server.NewError(http.StatusNotImplemented, msgUnavailable) // the kit writes {"message", "error"}, the shape of this service
}

// GetPolicyDocument answers 501: the Policy Management API is not available in circleci-fake.
// CircleCI API: GET /owner/{ownerID}/context/{context}/policy-bundle/{policyName} (GetPolicyDocument).
func (s *Server) GetPolicyDocument(context.Context, gen.GetPolicyDocumentRequestObject) (gen.GetPolicyDocumentResponseObject, error) {
	return nil, server.NewError(http.StatusNotImplemented, msgUnavailable) // the kit writes {"message", "error"}, the shape of this service
}

// GetOrgClaims answers 501: the OIDC Token Management API is not available in circleci-fake.
// CircleCI API: GET /org/{orgID}/oidc-custom-claims (GetOrgClaims).
func (s *Server) GetOrgClaims(context.Context, gen.GetOrgClaimsRequestObject) (gen.GetOrgClaimsResponseObject, error) {
	return nil, server.NewError(http.StatusNotImplemented, msgUnavailable) // the kit writes {"message", "error"}, the shape of this service
}

// PatchOrgClaims answers 501: the OIDC Token Management API is not available in circleci-fake.
// CircleCI API: PATCH /org/{orgID}/oidc-custom-claims (PatchOrgClaims).
func (s *Server) PatchOrgClaims(context.Context, gen.PatchOrgClaimsRequestObject) (gen.PatchOrgClaimsResponseObject, error) {
	return nil, server.NewError(http.StatusNotImplemented, msgUnavailable) // the kit writes {"message", "error"}, the shape of this service
}

// DeleteOrgClaims answers 501: the OIDC Token Management API is not available in circleci-fake.
// CircleCI API: DELETE /org/{orgID}/oidc-custom-claims (DeleteOrgClaims).
func (s *Server) DeleteOrgClaims(context.Context, gen.DeleteOrgClaimsRequestObject) (gen.DeleteOrgClaimsResponseObject, error) {
	return nil, server.NewError(http.StatusNotImplemented, msgUnavailable) // the kit writes {"message", "error"}, the shape of this service
}

// GetProjectClaims answers 501: the OIDC Token Management API is not available in circleci-fake.
// CircleCI API: GET /org/{orgID}/project/{projectID}/oidc-custom-claims (GetProjectClaims).
func (s *Server) GetProjectClaims(context.Context, gen.GetProjectClaimsRequestObject) (gen.GetProjectClaimsResponseObject, error) {
	return nil, server.NewError(http.StatusNotImplemented, msgUnavailable) // the kit writes {"message", "error"}, the shape of this service
}

// PatchProjectClaims answers 501: the OIDC Token Management API is not available in circleci-fake.
// CircleCI API: PATCH /org/{orgID}/project/{projectID}/oidc-custom-claims (PatchProjectClaims).
func (s *Server) PatchProjectClaims(context.Context, gen.PatchProjectClaimsRequestObject) (gen.PatchProjectClaimsResponseObject, error) {
	return nil, server.NewError(http.StatusNotImplemented, msgUnavailable) // the kit writes {"message", "error"}, the shape of this service
}

// DeleteProjectClaims answers 501: the OIDC Token Management API is not available in circleci-fake.
// CircleCI API: DELETE /org/{orgID}/project/{projectID}/oidc-custom-claims (DeleteProjectClaims).
func (s *Server) DeleteProjectClaims(context.Context, gen.DeleteProjectClaimsRequestObject) (gen.DeleteProjectClaimsResponseObject, error) {
	return nil, server.NewError(http.StatusNotImplemented, msgUnavailable) // the kit writes {"message", "error"}, the shape of this service
}
