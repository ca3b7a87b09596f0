namespace Portal.Infrastructure.Customers;

using Microsoft.EntityFrameworkCore;
using Portal.Core.Customers;
using Portal.Core.Validation;
using Portal.Infrastructure.Persistence;

/// <summary>Creates and lists customers; every query goes through the tenant filter.</summary>
public sealed class CustomerService(IDbContextFactory<PortalDbContext> contexts)
{
    public async Task<Customer> CreateAsync(string? name, CancellationToken cancellationToken)
    {
        var normalised = CustomerRules.NormaliseName(name);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // IgnoreQueryFilters: a name taken by a customer the caller cannot see is still taken.
        // Unique as people read names: whatever the case or Unicode form (SQL's upper() folds ASCII only, so compare here).
        var taken = await db.Customers.IgnoreQueryFilters().Select(c => c.Name).ToListAsync(cancellationToken);
        if (taken.FirstOrDefault(t => Names.Same(t, normalised)) is { } existing)
            throw new ValidationException("name", $"A customer named '{existing}' already exists.");
        var customer = new Customer { Name = normalised };
        db.Customers.Add(customer);
        await db.SaveChangesAsync(cancellationToken);
        return customer;
    }

    public async Task<IReadOnlyList<Customer>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Customers.AsNoTracking().OrderBy(c => c.Name).ToListAsync(cancellationToken);
    }

    public async Task<Customer?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Customers.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
    }
}
