namespace Portal.Core.Parts;

/// <summary>
/// An object being uploaded: its bytes are written to <see cref="Content"/> in order, <see cref="BytesWritten"/> is its
/// size as stored so far, and it ends completed (with the rows it holds, which the store may record with it) or aborted.
/// The S3 side is a multipart upload; tests use memory.
/// </summary>
public interface IObjectUpload : IAsyncDisposable
{
    string Key { get; }

    /// <summary>The store's id of an upload that must be aborted later if aborting it now fails (S3's upload id); null if none.</summary>
    string? UploadId { get; }

    Stream Content { get; }

    long BytesWritten { get; }

    /// <summary>Ends the object: its size and SHA-256 as stored.</summary>
    Task<(long Bytes, string Sha256)> CompleteAsync(long rows, CancellationToken cancellationToken);

    Task AbortAsync(CancellationToken cancellationToken);
}

/// <summary>An object a run wrote: its key, size and SHA-256 as stored, and how many rows it holds.</summary>
public sealed record PartFile(string Key, long Bytes, long Rows, string Sha256);
