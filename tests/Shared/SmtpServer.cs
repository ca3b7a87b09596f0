namespace Portal.Tests.Shared;

using MimeKit;

/// <summary>
/// A real SMTP server (Debian's python3-aiosmtpd) on loopback for a test collection, started by
/// tests/infra/smtp-up.sh; every message it accepts is a file in its maildir.
/// </summary>
public sealed class SmtpServer : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"portal-smtp-{Guid.NewGuid():N}"[..24]);

    public int Port { get; private set; }

    public async Task InitializeAsync()
    {
        var output = await ScriptRunner.RunAsync("smtp-up.sh", [_dir, FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Port = int.Parse(output.Trim().Split('\n')[^1], System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task DisposeAsync()
    {
        await ScriptRunner.RunAsync("smtp-down.sh", [_dir]);
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }

    /// <summary>The portal's settings that send email through this server.</summary>
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Portal:Smtp:Host"] = "127.0.0.1", ["Portal:Smtp:Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Portal:Smtp:Security"] = "None", ["Portal:Smtp:From"] = "Portal <portal@test.local>",
    };

    /// <summary>Every message received so far.</summary>
    public IReadOnlyList<MimeMessage> Messages()
    {
        var folder = Path.Combine(_dir, "mail", "new");
        if (!Directory.Exists(folder)) return [];
        return Directory.GetFiles(folder).Order(StringComparer.Ordinal).Select(f => MimeMessage.Load(f)).ToList();
    }

    /// <summary>Waits for a message to <paramref name="to"/> that matches; fails after <paramref name="timeout"/>.</summary>
    public async Task<MimeMessage> WaitForAsync(string to, Func<MimeMessage, bool>? match = null, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < until)
        {
            var found = Messages().FirstOrDefault(m => m.To.Mailboxes.Any(b => b.Address == to) && (match?.Invoke(m) ?? true));
            if (found is not null) return found;
            await Task.Delay(250);
        }
        throw new TimeoutException($"No email to {to} arrived within {timeout ?? TimeSpan.FromSeconds(60)}.");
    }
}
