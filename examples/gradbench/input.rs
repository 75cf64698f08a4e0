//! Reading an eval's input: each accessor names the field and what it expected, so a wrong
//! shape becomes an error answer, never a panic.

use serde_json::Value;

/// The field `name` of `input`.
pub fn field<'a>(input: &'a Value, name: &str) -> Result<&'a Value, String> {
    input
        .get(name)
        .ok_or_else(|| format!("the input has no field `{name}`"))
}

/// The number in field `name`.
pub fn number(input: &Value, name: &str) -> Result<f64, String> {
    let v = field(input, name)?;
    v.as_f64()
        .ok_or_else(|| format!("`{name}` must be a number, found {}", brief(v)))
}

/// The non-negative integer in field `name`.
pub fn count(input: &Value, name: &str) -> Result<usize, String> {
    let v = field(input, name)?;
    v.as_u64().map(|n| n as usize).ok_or_else(|| {
        format!(
            "`{name}` must be a non-negative integer, found {}",
            brief(v)
        )
    })
}

/// The array of numbers in field `name`.
pub fn numbers(input: &Value, name: &str) -> Result<Vec<f64>, String> {
    flat(field(input, name)?, name)
}

/// The array of numbers in field `name`, checked to hold `len` of them.
pub fn numbers_of(input: &Value, name: &str, len: usize) -> Result<Vec<f64>, String> {
    let v = numbers(input, name)?;
    if v.len() != len {
        return Err(format!(
            "`{name}` must hold {len} numbers, found {}",
            v.len()
        ));
    }
    Ok(v)
}

/// The rows of field `name`, an array of `width`-number arrays, flattened row-major.
pub fn rows(input: &Value, name: &str, width: usize) -> Result<Vec<f64>, String> {
    let v = field(input, name)?;
    let rows = v
        .as_array()
        .ok_or_else(|| format!("`{name}` must be an array of rows, found {}", brief(v)))?;
    let mut out = Vec::with_capacity(rows.len() * width);
    for (i, row) in rows.iter().enumerate() {
        let row = flat(row, &format!("{name}[{i}]"))?;
        if row.len() != width {
            return Err(format!(
                "`{name}[{i}]` must hold {width} numbers, found {}",
                row.len()
            ));
        }
        out.extend(row);
    }
    Ok(out)
}

/// An array of numbers, or a nested array of them flattened row-major.
fn flat(v: &Value, name: &str) -> Result<Vec<f64>, String> {
    let items = v
        .as_array()
        .ok_or_else(|| format!("`{name}` must be an array of numbers, found {}", brief(v)))?;
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        match item {
            Value::Array(_) => out.extend(flat(item, &format!("{name}[{i}]"))?),
            _ => {
                out.push(item.as_f64().ok_or_else(|| {
                    format!("`{name}[{i}]` must be a number, found {}", brief(item))
                })?)
            }
        }
    }
    Ok(out)
}

/// A value shortened for an error message.
fn brief(v: &Value) -> String {
    let s = v.to_string();
    if s.len() <= 40 {
        s
    } else {
        let end = (0..=37).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0);
        format!("{}…", &s[..end])
    }
}
