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
            + MetadataSelection(bufferLiteral.ToString())
            + "    }\n}";
    }

    /// <summary>
    /// The claims of a page of runs, then the next ids of the queue, in one document (not an original operation): the
    /// fields of a mutation run in order, so the queue no longer holds the runs just claimed.
    /// </summary>
    /// <param name="claim">Whether the document sets flow run states (variable <c>$states</c>).</param>
    /// <param name="poll">Whether it then asks for the queue (variable <c>$input</c>).</param>
    /// <returns>The document.</returns>
    public static string ClaimThenPoll(bool claim, bool poll) =>
        (claim, poll) switch
        {
            (true, true) => "mutation($states: set_flow_run_states_input!, $input: get_runs_in_queue_input!) {\n" + ClaimField + QueueField + "}",
            (true, false) => "mutation($states: set_flow_run_states_input!) {\n" + ClaimField + "}",
            _ => GetRunsInQueue,
        };

    /// <summary>
    /// The metadata of the next Scheduled runs, read while the queue is asked for their ids (not an original query):
    /// the same columns as <see cref="FlowRunMetadata"/>, for the oldest runs by start time, leaving out the ones the
    /// agent holds. Only the runs the queue then answers are used.
    /// </summary>
    /// <param name="exclude">The runs the agent is claiming or deploying.</param>
    /// <param name="before">The queue's horizon (ISO-8601, now + 10 s).</param>
    /// <param name="buffer">The ISO-8601 buffer time of the task runs (now − 3 s).</param>
    /// <param name="tenantId">The tenant, or <see langword="null"/> when the backend scopes the query itself.</param>
    /// <param name="limit">The most rows.</param>
    /// <returns>The query text.</returns>
    public static string ScheduledFlowRunsAhead(IReadOnlyCollection<string> exclude, string before, string buffer, string? tenantId, int limit)
    {
        var where = new StringBuilder("{ state: { _eq: \"Scheduled\" }, state_start_time: { _lte: ");
        PythonJson.WriteString(where, before);
        where.Append(" }");
        if (exclude.Count > 0)
        {
            where.Append(", id: { _nin: ").Append(IdList(exclude)).Append(" }");
        }

        if (tenantId is not null)
        {
            where.Append(", tenant_id: { _eq: ");
            PythonJson.WriteString(where, tenantId);
            where.Append(" }");
        }

        where.Append(" }");
        var bufferLiteral = new StringBuilder();
        PythonJson.WriteString(bufferLiteral, buffer);
        return "query {\n    flow_run(where: " + where + ", order_by: [{ state_start_time: asc }], limit: "
            + limit.ToString(System.Globalization.CultureInfo.InvariantCulture) + ") {\n"
            + MetadataSelection(bufferLiteral.ToString())
            + "    }\n}";
    }

    private const string ClaimField =
        "    set_flow_run_states(input: $states) {\n        states {\n            id\n            status\n            message\n        }\n    }\n";

    private const string QueueField = "    get_runs_in_queue(input: $input) {\n        flow_run_ids\n    }\n";

    private static string MetadataSelection(string bufferLiteral) =>
        "        id\n        version\n        state\n        serialized_state\n        parameters\n        scheduled_start_time\n        run_config\n        name\n"
        + "        flow {\n            id\n            name\n            environment\n            storage\n            version\n            core_version\n        }\n"
        + "        task_runs(where: { state_start_time: { _lte: " + bufferLiteral + " } }) {\n            id\n            version\n            task_id\n            serialized_state\n        }\n";

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
