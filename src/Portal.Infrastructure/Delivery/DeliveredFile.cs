namespace Portal.Infrastructure.Delivery;

/// <summary>An object a run wrote: its key, size and SHA-256 as stored, and how many rows it holds.</summary>
public sealed record DeliveredFile(string Key, long Bytes, long Rows, string Sha256);
