using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Prefect.Agent.Fargate.Diagnostics;

/// <summary>
/// The original's health/poke server (reference 4.9): <c>GET /api/health</c> answers <c>{}</c>, <c>GET /api/poke</c>
/// wakes the poll loop, other methods get 405 and other paths 404.
/// </summary>
/// <remarks>
/// Hand-written on <see cref="TcpListener"/> on purpose: ASP.NET Core would drag a framework reference into the
/// library, and <see cref="HttpListener"/> cannot bind port 0 (tests) and routes by the Host header, so
/// <c>http://localhost:8080</c> would refuse requests addressed to 127.0.0.1. Two fixed routes need no more than this.
/// </remarks>
internal sealed class HealthEndpoint : IAsyncDisposable
{
    private const int MaxRequestBytes = 8192;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly TcpListener listener;
    private readonly Action onPoke;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentDictionary<long, Task> connections = new();
    private Task acceptLoop = Task.CompletedTask;
    private long nextConnection;

    private HealthEndpoint(TcpListener listener, Action onPoke, TimeProvider timeProvider, ILogger logger)
    {
        this.listener = listener;
        this.onPoke = onPoke;
        this.timeProvider = timeProvider;
        this.logger = logger;
    }

    /// <summary>Gets the address the endpoint listens on (with the real port when 0 was asked for).</summary>
    public IPEndPoint LocalEndpoint => (IPEndPoint)listener.LocalEndpoint;

    public static async Task<HealthEndpoint> StartAsync(
        AgentAddress address,
        Action onPoke,
        TimeProvider timeProvider,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        var listener = await CreateListenerAsync(address, cancellationToken).ConfigureAwait(false);
        var endpoint = new HealthEndpoint(listener, onPoke, timeProvider, logger);
        endpoint.acceptLoop = endpoint.AcceptLoopAsync(endpoint.stopping.Token);
        logger.HealthEndpointListening(endpoint.LocalEndpoint.ToString());
        return endpoint;
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        listener.Stop();
#pragma warning disable VSTHRD003 // Our own accept loop, started by StartAsync.
        await acceptLoop.ConfigureAwait(false);
#pragma warning restore VSTHRD003
        await Task.WhenAll(connections.Values).ConfigureAwait(false);
        stopping.Dispose();
        logger.HealthEndpointStopped();
    }

    private static async Task<TcpListener> CreateListenerAsync(AgentAddress address, CancellationToken cancellationToken)
    {
        if (address.Host.Length == 0)
        {
            // "http://:8080": every interface, as the original's bind to "".
            try
            {
                var dual = new TcpListener(IPAddress.IPv6Any, address.Port);
                dual.Server.DualMode = true;
                dual.Start();
                return dual;
            }
            catch (SocketException)
            {
                var any = new TcpListener(IPAddress.Any, address.Port);
                any.Start();
                return any;
            }
        }

        if (!IPAddress.TryParse(address.Host, out var ip))
        {
            var addresses = await Dns.GetHostAddressesAsync(address.Host, cancellationToken).ConfigureAwait(false);
            ip = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.First();
        }

        var listener = new TcpListener(ip, address.Port);
        listener.Start();
        return listener;
    }

    private async Task AcceptLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException && cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException ex)
            {
                logger.HealthRequestFailed(ex);
                continue;
            }

            // The gate keeps a fast connection from leaving the set before it entered it.
            var id = Interlocked.Increment(ref nextConnection);
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            connections[id] = ServeAsync(id, client, gate.Task, cancellationToken);
            gate.SetResult();
        }
    }

    private async Task ServeAsync(long id, TcpClient client, Task gate, CancellationToken cancellationToken)
    {
#pragma warning disable VSTHRD003 // The gate is completed by our own accept loop, never by a foreign context.
        await gate.ConfigureAwait(false);
#pragma warning restore VSTHRD003
        try
        {
            using (client)
            using (var timeout = new CancellationTokenSource(RequestTimeout, timeProvider))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
            {
                var stream = client.GetStream();
                var (method, path) = await ReadRequestLineAsync(stream, linked.Token).ConfigureAwait(false);
                var response = Route(method, path);
                await stream.WriteAsync(response, linked.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            logger.HealthRequestFailed(ex);
        }
        finally
        {
            connections.TryRemove(id, out _);
        }
    }

    private static async Task<(string Method, string Path)> ReadRequestLineAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxRequestBytes];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            read += n;
            if (buffer.AsSpan(0, read).IndexOf("\r\n\r\n"u8) >= 0)
            {
                break;
            }
        }

        var text = Encoding.ASCII.GetString(buffer, 0, read);
        var lineEnd = text.IndexOf("\r\n", StringComparison.Ordinal);
        var parts = (lineEnd < 0 ? text : text[..lineEnd]).Split(' ');
        if (parts.Length < 3)
        {
            return (string.Empty, string.Empty);
        }

        var target = parts[1];
        var query = target.IndexOf('?', StringComparison.Ordinal);
        return (parts[0], query < 0 ? target : target[..query]);
    }

    private byte[] Route(string method, string path)
    {
        if (method.Length == 0)
        {
            return Response("400 Bad Request", null, string.Empty);
        }

        var known = path is "/api/health" or "/api/poke";
        if (!known)
        {
            return Response("404 Not Found", null, string.Empty);
        }

        if (method != "GET")
        {
            return Response("405 Method Not Allowed", null, string.Empty, "Allow: GET\r\n");
        }

        if (path == "/api/poke")
        {
            onPoke();
            return Response("200 OK", null, string.Empty);
        }

        return Response("200 OK", "application/json; charset=UTF-8", "{}");
    }

    private static byte[] Response(string status, string? contentType, string body, string extraHeaders = "")
    {
        var headers = new StringBuilder()
            .Append("HTTP/1.1 ").Append(status).Append("\r\n")
            .Append(contentType is null ? string.Empty : "Content-Type: " + contentType + "\r\n")
            .Append("Content-Length: ").Append(Encoding.UTF8.GetByteCount(body)).Append("\r\n")
            .Append(extraHeaders)
            .Append("Connection: close\r\n\r\n")
            .Append(body);
        return Encoding.UTF8.GetBytes(headers.ToString());
    }
}
