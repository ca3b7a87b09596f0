namespace Portal.Web.Components.Shared;

/// <summary>
/// Runs an action once things have been quiet for a while: each <see cref="Touch"/> restarts the wait. Inputs stay
/// immediate (no keystroke is lost to a re-render), and only the work behind them waits for a pause in the typing.
/// </summary>
public sealed class Debouncer(TimeSpan wait, Func<Task> action) : IDisposable
{
    private CancellationTokenSource? _pending;

    public void Touch()
    {
        _pending?.Cancel();
        _pending?.Dispose();
        var pending = _pending = new CancellationTokenSource();
        _ = RunAsync(pending.Token);
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(wait, cancellationToken);
            await action();
        }
        catch (OperationCanceledException)
        {
            // A newer touch took over.
        }
    }

    public void Dispose()
    {
        _pending?.Cancel();
        _pending?.Dispose();
        _pending = null;
    }
}
