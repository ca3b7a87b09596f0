namespace Portal.Web.Api;

using Portal.Infrastructure.Customers;
using Portal.Web.Auth;

internal static class CustomersApi
{
    public static RouteGroupBuilder MapCustomersApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/customers").WithTags("Customers");

        group.MapGet("/", async (CustomerService customers, CancellationToken ct) =>
        {
            var list = await customers.ListAsync(ct);
            return TypedResults.Ok(new ListResponse<CustomerDto>(list.Select(c => new CustomerDto(c.Id, c.Name, c.CreatedAt)).ToList(), list.Count));
        });

        group.MapGet("/{id:guid}", async Task<IResult> (Guid id, CustomerService customers, CancellationToken ct) =>
            await customers.FindAsync(id, ct) is { } c ? TypedResults.Ok(new CustomerDto(c.Id, c.Name, c.CreatedAt)) : TypedResults.NotFound());

        group.MapPost("/", async (CreateCustomerRequest request, CustomerService customers, CancellationToken ct) =>
        {
            var c = await customers.CreateAsync(request.Name, ct);
            return TypedResults.Created($"/api/v1/customers/{c.Id}", new CustomerDto(c.Id, c.Name, c.CreatedAt));
        }).RequireAuthorization(Policies.Configure);
        return api;
    }
}
