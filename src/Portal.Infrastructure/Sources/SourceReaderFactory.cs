namespace Portal.Infrastructure.Sources;

using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Portal.Core.Secrets;
using Portal.Core.Sources;
using Portal.Infrastructure.Secrets;

/// <summary>Opens a reader on a customer's source; SQLite files outside the configured root are refused.</summary>
public sealed class SourceReaderFactory(ISecretProtector secrets, IOptions<SourceOptions> options, IConfiguration configuration, IHostEnvironment environment)
{
    public string SqliteRoot => Path.GetFullPath(Path.Combine(PortalOptions.ResolveDataDirectory(configuration, environment.ContentRootPath), options.Value.SqliteRoot));

    public ISourceReader Open(Source source)
    {
        var connectionString = secrets.Unprotect(SecretKind.SourceConnectionString, source.ConnectionStringCipher);
        return source.Kind switch
        {
            SourceKind.Sqlite => new SqliteSourceReader(CheckedSqlitePath(connectionString)),
            _ => new PostgresSourceReader(connectionString),
        };
    }

    /// <summary>The file a SQLite connection string names, if it lies under the root (symlinks resolved).</summary>
    public string CheckedSqlitePath(string connectionString)
    {
        var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
        if (string.IsNullOrWhiteSpace(file)) throw new InvalidOperationException("The SQLite source names no file (Data Source=…).");
        // Resolved as the kernel will when SQLite opens it: every link on the way, where it stands (a linked folder
        // inside the root, or "link/..", must not lead out of it). Checked at save and at every open.
        var resolved = ContainedPaths.Resolve(Path.IsPathRooted(file) ? file : Path.Combine(SqliteRoot, file));
        var root = SqliteRoot.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        if (!ContainedPaths.IsWithin(resolved, SqliteRoot) || resolved == ContainedPaths.Resolve(SqliteRoot))
            throw new InvalidOperationException($"The SQLite file must lie under {root} (Portal:Sources:SqliteRoot); '{file}' does not.");
        if (!File.Exists(resolved)) throw new FileNotFoundException($"The SQLite file '{file}' does not exist.", file);
        return resolved;
    }
}
