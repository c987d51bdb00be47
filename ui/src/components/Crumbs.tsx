// The trail of a drill-down (Billing > Invoice > Customer), each level a link but the last.
export function Crumbs({ items }: { items: { label: string; href?: string }[] }) {
  return (
    <nav className="breadcrumbs" aria-label="Breadcrumbs" data-testid="breadcrumbs">
      <ol>
        {items.map((i) =>
          i.href ? (
            <li key={i.label}>
              <a href={i.href}>{i.label}</a>
            </li>
          ) : (
            <li key={i.label} aria-current="page">
              {i.label}
            </li>
          ),
        )}
      </ol>
    </nav>
  );
}
