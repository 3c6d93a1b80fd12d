using System.Text;

namespace Prefect.Agent.Fargate.Prefect;

/// <summary>The GraphQL texts of Prefect 0.15's agent, with its 4-space indentation and source field order.</summary>
internal static class PrefectQueries
{
    /// <summary>The cloud token check (legacy RUNNER tokens).</summary>
    public const string AuthInfoScope = "query {\n    auth_info {\n        api_token_scope\n    }\n}";

    /// <summary>The tenant of a cloud API key.</summary>
    public const string AuthInfoTenant = "query {\n    auth_info {\n        tenant_id\n    }\n}";

    /// <summary>The default tenant of a Prefect Server.</summary>
    public const string ServerTenant = "query {\n    tenant {\n        id\n    }\n}";

    /// <summary>The test query sent after registration.</summary>
    public const string Hello = "query { hello }";

    /// <summary>Registers the agent.</summary>
    public const string RegisterAgent =
        "mutation($input: register_agent_input!) {\n    register_agent(input: $input) {\n        id\n    }\n}";

    /// <summary>Finds the ids of ready flow runs.</summary>
    public const string GetRunsInQueue =
        "mutation($input: get_runs_in_queue_input!) {\n    get_runs_in_queue(input: $input) {\n        flow_run_ids\n    }\n}";

    /// <summary>Sets flow-run states.</summary>
    public const string SetFlowRunStates =
        "mutation($input: set_flow_run_states_input!) {\n    set_flow_run_states(input: $input) {\n        states {\n            id\n            status\n            message\n        }\n    }\n}";

    /// <summary>Sets task-run states.</summary>
    public const string SetTaskRunStates =
        "mutation($input: set_task_run_states_input!) {\n    set_task_run_states(input: $input) {\n        states {\n            id\n            status\n            message\n        }\n    }\n}";

    /// <summary>Writes run logs.</summary>
    public const string WriteRunLogs =
        "mutation($input: write_run_logs_input!) {\n    write_run_logs(input: $input) {\n        success\n    }\n}";

    /// <summary>The settings of an agent configuration (the id is inlined, as the original's <c>with_args</c>).</summary>
    /// <param name="agentConfigId">The configuration id.</param>
    /// <returns>The query text.</returns>
    public static string AgentConfig(string agentConfigId)
    {
        var id = new StringBuilder();
        PythonJson.WriteString(id, agentConfigId);
        return "query {\n    agent_config(where: { id: { _eq: " + id + " } }) {\n        settings\n    }\n}";
    }

    /// <summary>
    /// The state, version and agent of one flow run: not an original query; sent only to check whether a retried
    /// Submitted that the version lock refused had in fact been applied by an earlier attempt.
    /// </summary>
    /// <param name="flowRunId">The flow run id.</param>
    /// <returns>The query text.</returns>
    public static string FlowRunOwner(string flowRunId)
    {
        var id = new StringBuilder();
        PythonJson.WriteString(id, flowRunId);
        return "query {\n    flow_run(where: { id: { _eq: " + id + " } }) {\n        version\n        state\n        agent_id\n    }\n}";
    }

    /// <summary>The metadata of flow runs (ids and the buffer time are inlined, as the original's <c>with_args</c>).</summary>
    /// <param name="ids">The flow-run ids.</param>
    /// <param name="buffer">The ISO-8601 buffer time (now − 3 s).</param>
    /// <returns>The query text.</returns>
    public static string FlowRunMetadata(IReadOnlyList<string> ids, string buffer)
    {
        var idList = new StringBuilder("[");
        for (var i = 0; i < ids.Count; i++)
        {
            if (i > 0)
            {
                idList.Append(", ");
            }

            PythonJson.WriteString(idList, ids[i]);
        }

        idList.Append(']');
        var bufferLiteral = new StringBuilder();
        PythonJson.WriteString(bufferLiteral, buffer);
        return "query {\n"
            + "    flow_run(where: { id: { _in: " + idList + " }, _or: [{ state: { _eq: \"Scheduled\" } }, { state: { _eq: \"Running\" }, task_runs: { state_start_time: { _lte: " + bufferLiteral + " } } }] }) {\n"
            + "        id\n        version\n        state\n        serialized_state\n        parameters\n        scheduled_start_time\n        run_config\n        name\n"
            + "        flow {\n            id\n            name\n            environment\n            storage\n            version\n            core_version\n        }\n"
            + "        task_runs(where: { state_start_time: { _lte: " + bufferLiteral + " } }) {\n            id\n            version\n            task_id\n            serialized_state\n        }\n"
            + "    }\n}";
    }

    /// <summary>The state and version of many flow runs (not an original query: the task watch's one call per interval).</summary>
    /// <param name="ids">The flow-run ids.</param>
    /// <returns>The query text.</returns>
    public static string FlowRunStatuses(IReadOnlyCollection<string> ids) =>
        "query {\n    flow_run(where: { id: { _in: " + IdList(ids) + " } }) {\n        id\n        version\n        state\n    }\n}";

    /// <summary>
    /// The Submitted flow runs with their labels (not an original query: the reconciler's). Hasura's <c>flow_run</c>
    /// offers no filter on the labels column in the fields the agent relies on, so the labels are matched by the caller.
    /// </summary>
    /// <param name="tenantId">The tenant, or <see langword="null"/> when the backend scopes the query itself.</param>
    /// <returns>The query text.</returns>
    public static string SubmittedFlowRuns(string? tenantId)
    {
        var tenant = new StringBuilder();
        if (tenantId is not null)
        {
            tenant.Append(", tenant_id: { _eq: ");
            PythonJson.WriteString(tenant, tenantId);
            tenant.Append(" }");
        }

        return "query {\n    flow_run(where: { state: { _eq: \"Submitted\" }" + tenant + " }) {\n        id\n        version\n        state\n        labels\n    }\n}";
    }

    /// <summary>The metadata of flow runs whatever their state (the reconciler launches Submitted runs again with it).</summary>
    /// <param name="ids">The flow-run ids.</param>
    /// <returns>The query text.</returns>
    public static string FlowRunsById(IReadOnlyCollection<string> ids) =>
        "query {\n    flow_run(where: { id: { _in: " + IdList(ids) + " } }) {\n"
        + "        id\n        version\n        state\n        serialized_state\n        parameters\n        scheduled_start_time\n        run_config\n        name\n"
        + "        flow {\n            id\n            name\n            environment\n            storage\n            version\n            core_version\n        }\n"
        + "    }\n}";

    private static string IdList(IEnumerable<string> ids)
    {
        var list = new StringBuilder("[");
        var first = true;
        foreach (var id in ids)
        {
            if (!first)
            {
                list.Append(", ");
            }

            first = false;
            PythonJson.WriteString(list, id);
        }

        return list.Append(']').ToString();
    }
}
