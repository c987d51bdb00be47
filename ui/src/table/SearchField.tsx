// The search box above a table: one labelled field, the same on every list page so the
// keyboard and screen readers meet it the same way everywhere.
import { useId } from "react";

export function SearchField({
  label,
  placeholder,
  testId,
  value,
  onChange,
}: {
  label: string;
  placeholder: string;
  testId: string;
  value: string;
  onChange: (value: string) => void;
}) {
  const id = useId();
  return (
    <div className="field search">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="search"
        data-testid={testId}
        placeholder={placeholder}
        autoComplete="off"
        spellCheck={false}
        value={value}
        onChange={(e) => {
          onChange(e.target.value);
        }}
      />
    </div>
  );
}
