using System.Net;
using System.Net.Sockets;

namespace Prefect.Agent.Fargate.Testing.Http;

/// <summary>
/// The fakes' HTTP server: <see cref="HttpListener"/> on 127.0.0.1 and a free port, in the plain .NET runtime (no
/// ASP.NET Core), so that a tool bundling the fakes runs on <c>Microsoft.NETCore.App</c> alone and compiles to Native AOT.
/// Every request is handled on its own task; the handler gets the whole body and answers through
/// <see cref="LoopbackHttpContext"/>.
/// </summary>
internal sealed class LoopbackHttpServer : IAsyncDisposable
{
    private const int StartAttempts = 20;

    private readonly HttpListener listener;
    private readonly Func<LoopbackHttpContext, Task> handler;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task accepting;
    private int inFlight;
    private int disposed;

    private LoopbackHttpServer(HttpListener listener, Uri url, Func<LoopbackHttpContext, Task> handler)
    {
        this.listener = listener;
        this.handler = handler;
        Url = url;
        accepting = Task.Run(AcceptAsync);
    }

    /// <summary>Gets the server's base address, <c>http://127.0.0.1:&lt;port&gt;/</c>.</summary>
    public Uri Url { get; }

    /// <summary>Starts a server on 127.0.0.1 and a free port.</summary>
    /// <param name="handler">Answers one request.</param>
    /// <returns>The running server.</returns>
    public static LoopbackHttpServer Start(Func<LoopbackHttpContext, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);

        // HttpListener cannot bind port 0: take a free port from the system, and another if it was taken meanwhile.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            var listener = new HttpListener { IgnoreWriteExceptions = true };
            var url = new Uri($"http://127.0.0.1:{port}/");
            listener.Prefixes.Add(url.ToString());
            try
            {
                listener.Start();
                return new LoopbackHttpServer(listener, url, handler);
            }
            catch (HttpListenerException) when (attempt < StartAttempts)
            {
                listener.Close();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        await stopping.CancelAsync().ConfigureAwait(false);
        listener.Stop();
#pragma warning disable VSTHRD003 // The accept loop was started by this server on the thread pool, never in a foreign context.
        await accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
#pragma warning restore VSTHRD003

        // Requests in flight finish (or see their cancellation) before the listener is closed under them.
        for (var i = 0; i < 200 && Volatile.Read(ref inFlight) > 0; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System).ConfigureAwait(false);
        }

        listener.Close();
        stopping.Dispose();
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            Interlocked.Increment(ref inFlight);
            _ = Task.Run(() => ServeAsync(context));
        }
    }

    private async Task ServeAsync(HttpListenerContext http)
    {
        try
        {
            var context = await LoopbackHttpContext.ReadAsync(http, stopping.Token).ConfigureAwait(false);
            try
            {
                await handler(context).ConfigureAwait(false);
                await context.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception) when (context.Aborted || stopping.IsCancellationRequested)
            {
                http.Response.Abort();
            }
            catch (Exception)
            {
                // A fake's bug answers 500, as Kestrel did; the test sees it in the agent's error.
                context.Reset(500);
                await context.CompleteAsync().ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
        {
            // The client went away, or the server is stopping.
            http.Response.Abort();
        }
        finally
        {
            Interlocked.Decrement(ref inFlight);
        }
    }
}
