namespace Portal.Infrastructure.Runs;

using System.Data.Common;

/// <summary>How a run's failure is put in words, and which failures of the portal's own database are worth waiting out.</summary>
public static partial class RunFailure
{
    /// <summary>The separator of an error's causes in <see cref="Core.Runs.Run.Error"/>.</summary>
    public const string CausedBy = " — caused by: ";

    /// <summary>The error in plain words with its cause chain.</summary>
    public static string Explain(Exception e)
    {
        var parts = new List<string>();
        for (var x = e; x is not null && parts.Count < 4; x = x.InnerException)
        {
            if (CauseOf(x) is { } text && !parts.Contains(text)) parts.Add(text);
        }
        return parts.Count == 0 ? e.GetType().Name : string.Join(CausedBy, parts);
    }

    // What one link of the chain adds: a service error's code and HTTP status, or its message; nothing for a bare type.
    private static string? CauseOf(Exception x)
    {
        var message = string.IsNullOrWhiteSpace(x.Message) || x.Message.StartsWith("Exception of type", StringComparison.Ordinal) ? null : x.Message.Trim();
        if (x is Amazon.Runtime.AmazonServiceException service && (service.ErrorCode is { Length: > 0 } || service.StatusCode != 0))
        {
            var code = $"{(string.IsNullOrEmpty(service.ErrorCode) ? "S3 error" : service.ErrorCode)} (HTTP {(int)service.StatusCode})";
            if (message is null) return code;
            return service.ErrorCode is { Length: > 0 } known && message.Contains(known, StringComparison.Ordinal) ? message : $"{code}: {message}";
        }
        return message;
    }

    /// <summary>
    /// An error as a Customer sees it: the step and the cause stay, the portal's internals do not — addresses of
    /// source databases and servers (URLs, host:port, IP addresses), connection-string fields and absolute paths.
    /// </summary>
    public static string? ForCustomer(string? error)
    {
        if (string.IsNullOrEmpty(error)) return error;
        var text = Url().Replace(error, "[address]");
        text = ConnectionField().Replace(text, "$1=[hidden]");
        text = Ipv6().Replace(text, "[address]");
        text = Ipv4().Replace(text, "[address]");
        text = HostPort().Replace(text, "[address]");
        text = AbsolutePath().Replace(text, "[path]");
        return text;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s'""<>)]+")]
    private static partial System.Text.RegularExpressions.Regex Url();

    [System.Text.RegularExpressions.GeneratedRegex(@"(?i)\b(host|server|data source|datasource|port|user id|username|password|database)\s*=\s*[^;\s]*")]
    private static partial System.Text.RegularExpressions.Regex ConnectionField();

    [System.Text.RegularExpressions.GeneratedRegex(@"\[?[0-9a-fA-F]{0,4}(:[0-9a-fA-F]{0,4}){2,7}\]?(:\d{1,5})?(?=[\s,;)'""]|$)")]
    private static partial System.Text.RegularExpressions.Regex Ipv6();

    [System.Text.RegularExpressions.GeneratedRegex(@"\b\d{1,3}(\.\d{1,3}){3}(:\d{1,5})?\b")]
    private static partial System.Text.RegularExpressions.Regex Ipv4();

    [System.Text.RegularExpressions.GeneratedRegex(@"(?i)\b(localhost|[a-z0-9-]+(\.[a-z0-9-]+)+|[a-z][a-z0-9-]*):\d{2,5}\b")]
    private static partial System.Text.RegularExpressions.Regex HostPort();

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<![\w.:/-])/(?:[\w.-]+/)+[\w.-]*")]
    private static partial System.Text.RegularExpressions.Regex AbsolutePath();

    /// <summary>
    /// A failure of the database that passes (locked, busy, connection dropped, timed out), as opposed to a
    /// mistake in what was asked: recording a run's state waits these out.
    /// </summary>
    public static bool IsTransientDatabaseError(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            switch (x)
            {
                // SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR: another connection holds the file, or the disk hiccupped.
                case Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 5 or 6 or 10 }:
                case Npgsql.NpgsqlException { IsTransient: true }:
                case TimeoutException or System.Net.Sockets.SocketException or EndOfStreamException:
                    return true;
                // A statement the database refused (too long a value, a constraint): trying again will not help.
                case DbException:
                    return false;
            }
        }
        return false;
    }
}
