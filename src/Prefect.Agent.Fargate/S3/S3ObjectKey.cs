namespace Prefect.Agent.Fargate.S3;

/// <summary>The object key of a flow's external kwargs (reference section 3.2 step 2).</summary>
internal static class S3ObjectKey
{
    /// <summary>
    /// Builds <c>&lt;prefix&gt;/&lt;slug(flow name)&gt;/&lt;id8(flow id)&gt;.json</c> with POSIX <c>os.path.join</c>
    /// semantics: an empty prefix adds nothing, a trailing <c>/</c> is not doubled, a leading <c>/</c> is kept. Always
    /// <c>/</c>, on every OS (the original used the OS separator: backslashes on Windows, item 16).
    /// </summary>
    /// <param name="prefix">The prefix (<see cref="AgentOptions.ExternalKwargsS3Key"/>), may be empty.</param>
    /// <param name="flowName">The flow name.</param>
    /// <param name="flowId">The flow id (its first 8 characters are used).</param>
    /// <param name="slugify">The slug function (python-slugify's defaults).</param>
    /// <returns>The key.</returns>
    public static string Build(string? prefix, string flowName, string flowId, Func<string, string> slugify)
    {
        ArgumentNullException.ThrowIfNull(flowName);
        ArgumentNullException.ThrowIfNull(flowId);
        ArgumentNullException.ThrowIfNull(slugify);
        var key = Join(Join(prefix ?? string.Empty, slugify(flowName)), Id8(flowId) + ".json");
        return key;
    }

    /// <summary>Gets the first 8 characters of a flow id, as the original's <c>flow.id[:8]</c>.</summary>
    /// <param name="flowId">The id.</param>
    /// <returns>The short id.</returns>
    public static string Id8(string flowId) => flowId.Length <= 8 ? flowId : flowId[..8];

    // posixpath.join(a, b) for a relative b (a slug and "<id8>.json" never start with '/'): a empty or ending in '/'
    // -> a + b; else a + '/' + b.
    private static string Join(string left, string right)
    {
        return left.Length == 0 || left.EndsWith('/') ? left + right : left + "/" + right;
    }
}
