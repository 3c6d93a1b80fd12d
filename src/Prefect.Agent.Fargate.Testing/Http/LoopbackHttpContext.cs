using System.Net;
using System.Text;

namespace Prefect.Agent.Fargate.Testing.Http;

/// <summary>One request to a <see cref="LoopbackHttpServer"/>, read in full, and its buffered answer.</summary>
internal sealed class LoopbackHttpContext
{
    private readonly HttpListenerContext http;
    private readonly MemoryStream responseBody = new();

    private LoopbackHttpContext(HttpListenerContext http, byte[] body, Dictionary<string, string> headers, CancellationToken requestAborted)
    {
        this.http = http;
        Body = body;
        Headers = headers;
        RequestAborted = requestAborted;
    }

    /// <summary>Gets the request method, e.g. <c>POST</c>.</summary>
    public string Method => http.Request.HttpMethod;

    /// <summary>Gets the request path as sent (percent-encoded), e.g. <c>/</c>.</summary>
    public string Path
    {
        get
        {
            var raw = http.Request.RawUrl ?? "/";
            var query = raw.IndexOf('?', StringComparison.Ordinal);
            return query < 0 ? raw : raw[..query];
        }
    }

    /// <summary>Gets the query string as sent, without its <c>?</c>; empty when there is none.</summary>
    public string Query
    {
        get
        {
            var raw = http.Request.RawUrl ?? "/";
            var query = raw.IndexOf('?', StringComparison.Ordinal);
            return query < 0 ? string.Empty : raw[(query + 1)..];
        }
    }

    /// <summary>Gets the request headers (names case-insensitive; repeated headers joined with commas).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>Gets the request body.</summary>
    public byte[] Body { get; }

    /// <summary>Gets a token cancelled when the server stops.</summary>
    public CancellationToken RequestAborted { get; }

    /// <summary>Gets or sets the response status.</summary>
    public int StatusCode { get; set; } = 200;

    /// <summary>Gets or sets the response content type.</summary>
    public string? ContentType { get; set; }

    /// <summary>Gets the response headers to send.</summary>
    public Dictionary<string, string> ResponseHeaders { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets a value indicating whether the handler dropped the connection (<see cref="Abort"/>).</summary>
    public bool Aborted { get; private set; }

    /// <summary>Appends to the response body.</summary>
    /// <param name="bytes">The bytes.</param>
    public void Write(ReadOnlySpan<byte> bytes) => responseBody.Write(bytes);

    /// <summary>Appends UTF-8 text to the response body.</summary>
    /// <param name="text">The text.</param>
    public void Write(string text) => Write(Encoding.UTF8.GetBytes(text));

    /// <summary>Drops the connection without an answer (the client sees a connection error).</summary>
    public void Abort()
    {
        Aborted = true;

        // HttpListener's Abort closes the response stream first, which can send the headers of an empty 200 answer.
        // A promised body that never comes makes the cut certain: the client sees the answer end prematurely.
        http.Response.StatusCode = 500;
        http.Response.ContentLength64 = 1;
        http.Response.Abort();
    }

    internal static async Task<LoopbackHttpContext> ReadAsync(HttpListenerContext http, CancellationToken requestAborted)
    {
        using var buffer = new MemoryStream();
        await http.Request.InputStream.CopyToAsync(buffer, requestAborted).ConfigureAwait(false);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var raw = http.Request.Headers;
        for (var i = 0; i < raw.Count; i++)
        {
            if (raw.GetKey(i) is { } name)
            {
                headers[name] = raw.Get(i) ?? string.Empty;
            }
        }

        return new LoopbackHttpContext(http, buffer.ToArray(), headers, requestAborted);
    }

    /// <summary>Forgets what the handler wrote and answers <paramref name="status"/> with an empty body.</summary>
    internal void Reset(int status)
    {
        StatusCode = status;
        ContentType = null;
        ResponseHeaders.Clear();
        responseBody.SetLength(0);
    }

    internal async Task CompleteAsync()
    {
        if (Aborted)
        {
            return;
        }

        var response = http.Response;
        response.StatusCode = StatusCode;
        if (ContentType is not null)
        {
            response.ContentType = ContentType;
        }

        foreach (var (name, value) in ResponseHeaders)
        {
            response.Headers[name] = value;
        }

        response.ContentLength64 = responseBody.Length;
        if (responseBody.Length > 0)
        {
            await response.OutputStream.WriteAsync(responseBody.GetBuffer().AsMemory(0, (int)responseBody.Length), RequestAborted).ConfigureAwait(false);
        }

        response.Close();
    }
}
