namespace Portal.Infrastructure.Sources;

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

/// <summary>
/// SQLite's column accessors called straight into the e_sqlite3 library that SQLitePCLRaw loads, on a statement's raw
/// handle: each is a few instructions in SQLite, and SQLitePCLRaw's route (an interface call and a SafeHandle
/// reference count per call, a dozen calls per row) cost more than SQLite's own work on wide tables. They never block or
/// call back, so they skip the GC transition. <c>sqlite3_step</c>, called once a row, goes the same direct way.
/// </summary>
internal static unsafe partial class SqliteNative
{
    private const string Library = "e_sqlite3";

    /// <summary>The next row (reads pages: it keeps the GC transition).</summary>
    [LibraryImport(Library), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    public static partial int sqlite3_step(nint statement);

    [LibraryImport(Library), SuppressGCTransition, UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    public static partial int sqlite3_column_type(nint statement, int column);

    [LibraryImport(Library), SuppressGCTransition, UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    public static partial long sqlite3_column_int64(nint statement, int column);

    [LibraryImport(Library), SuppressGCTransition, UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    public static partial double sqlite3_column_double(nint statement, int column);

    [LibraryImport(Library), SuppressGCTransition, UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial byte* sqlite3_column_blob(nint statement, int column);

    [LibraryImport(Library), SuppressGCTransition, UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial int sqlite3_column_bytes(nint statement, int column);

    /// <summary>A blob's bytes, or a UTF-8 database's text as stored (no conversion); valid until the statement steps on.</summary>
    public static ReadOnlySpan<byte> Bytes(nint statement, int column)
    {
        var data = sqlite3_column_blob(statement, column);
        // Asked after the pointer, as SQLite says: the length of what it points to.
        var length = sqlite3_column_bytes(statement, column);
        return data is null ? [] : new ReadOnlySpan<byte>(data, length);
    }
}
