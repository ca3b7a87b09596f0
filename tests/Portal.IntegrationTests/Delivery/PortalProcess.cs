namespace Portal.IntegrationTests.Delivery;

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using Portal.Tests.Shared;

/// <summary>
/// A real portal process (the web host, or the worker host of a scale-out) started from the build output,
/// with its settings as environment variables and its console kept for assertions.
/// </summary>
internal sealed class PortalProcess : IAsyncDisposable
{
    private readonly Process _process;

    public ConcurrentQueue<string> Output { get; } = new();

    public int Port { get; }

    private PortalProcess(Process process, int port)
    {
        (_process, Port) = (process, port);
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) Output.Enqueue(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Output.Enqueue(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public bool HasExited => _process.HasExited;

    /// <summary>The process's peak resident memory so far (VmHWM), in bytes.</summary>
    public long PeakMemoryBytes()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>Starts <c>Portal.Web</c> (or <c>Portal.Worker</c> when <paramref name="worker"/>) with <paramref name="settings"/> (configuration keys as in appsettings).</summary>
    public static PortalProcess Start(IReadOnlyDictionary<string, string> settings, bool worker = false)
    {
        // The hosts' build output sits beside this project's: bin/<configuration>/net10.0.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var project = worker ? "Portal.Worker" : "Portal.Web";
        var folder = Path.Combine(RepoPaths.Root, "src", project, "bin", configuration, "net10.0");
        var psi = new ProcessStartInfo("dotnet", [Path.Combine(folder, project + ".dll")])
        {
            WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        var port = FreePort.Next();
        psi.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        // A worker serves its health and metrics there.
        if (worker) psi.Environment["Portal__Worker__HealthUrls"] = $"http://127.0.0.1:{port}";
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        psi.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in settings) psi.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        return new PortalProcess(Process.Start(psi)!, port);
    }

    /// <summary>A client for the web host's API once it answers.</summary>
    public async Task<HttpClient> ApiAsync(string token)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            try
            {
                if ((await client.GetAsync("/api/v1/me")).IsSuccessStatusCode) return client;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }
            Assert.False(_process.HasExited, "The portal process exited at start:\n" + string.Join('\n', Output));
            Assert.True(DateTime.UtcNow < deadline, "The portal did not answer:\n" + string.Join('\n', Output));
            await Task.Delay(250);
        }
    }

    /// <summary>Waits until the console shows a line containing <paramref name="text"/>.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Any(l => l.Contains(text, StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"No line with '{text}':\n" + string.Join('\n', Output));
            await Task.Delay(100);
        }
    }

    /// <summary>SIGTERM, as systemd stops a service: the process shuts down as it chooses; returns its exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        if (_process.HasExited) return _process.ExitCode;
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill!.WaitForExitAsync();
        using var limit = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(limit.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: the process gets no chance to record anything.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
