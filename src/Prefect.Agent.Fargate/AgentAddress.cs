using System.Globalization;

namespace Prefect.Agent.Fargate;

/// <summary>
/// The health endpoint's address, read as the original's <c>urlparse(agent_address)</c> did: a port is required,
/// and an empty host (<c>http://:8080</c>) means every interface.
/// </summary>
/// <param name="Host">The host to bind; empty for every interface.</param>
/// <param name="Port">The port; 0 picks a free one (tests).</param>
internal sealed record AgentAddress(string Host, int Port)
{
    public const string Fix = "Give a port, e.g. http://127.0.0.1:8080 (http://:8080 listens on every interface).";

    /// <summary>Parses an agent address.</summary>
    /// <param name="text">The address.</param>
    /// <param name="address">The parsed address.</param>
    /// <param name="error">Why it cannot be used (naming AgentAddress, the value and the fix).</param>
    /// <returns>Whether the address is usable.</returns>
    public static bool TryParse(string text, out AgentAddress? address, out string? error)
    {
        address = null;
        error = null;

        // urlparse only finds a host and port after "//": "localhost:8080" parses as scheme "localhost", no port.
        var start = text.IndexOf("//", StringComparison.Ordinal);
        var netloc = start < 0 ? string.Empty : text[(start + 2)..];
        var end = netloc.IndexOfAny(['/', '?', '#']);
        netloc = end < 0 ? netloc : netloc[..end];
        netloc = netloc[(netloc.LastIndexOf('@') + 1)..];

        string host;
        string? port = null;
        if (netloc.StartsWith('['))
        {
            var close = netloc.IndexOf(']', StringComparison.Ordinal);
            host = close < 0 ? netloc[1..] : netloc[1..close];
            var rest = close < 0 ? string.Empty : netloc[(close + 1)..];
            port = rest.StartsWith(':') ? rest[1..] : null;
        }
        else
        {
            var colon = netloc.LastIndexOf(':');
            host = colon < 0 ? netloc : netloc[..colon];
            port = colon < 0 ? null : netloc[(colon + 1)..];
        }

        if (string.IsNullOrEmpty(port))
        {
            error = $"AgentAddress must specify a port (Must specify port in agent address), but was '{text}'. {Fix}";
            return false;
        }

        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number > 65535)
        {
            error = $"AgentAddress has a port that is not a number from 0 to 65535, but was '{text}'. {Fix}";
            return false;
        }

        address = new AgentAddress(host, number);
        return true;
    }
}
