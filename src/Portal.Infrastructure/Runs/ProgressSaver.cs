namespace Portal.Infrastructure.Runs;

using System.Collections.Concurrent;
using Portal.Infrastructure.Delivery;

/// <summary>Keeps the latest progress of each stream or command and saves it at most once a second while a run lasts.</summary>
public sealed class ProgressSaver : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, StreamProgress> _latest = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public ProgressSaver(RunRecorder recorder, long runId) => _loop = LoopAsync(recorder, runId);

    public void Report(StreamProgress progress) => _latest[progress.Name] = progress;

    private async Task LoopAsync(RunRecorder recorder, long runId)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token)) await recorder.SaveProgressAsync(runId, _latest.Values.ToList(), _stop.Token);
        }
        catch (OperationCanceledException)
        {
            // The run ended.
        }
    }

    /// <summary>Stops saving; the run's final numbers are written by whoever records its end.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
