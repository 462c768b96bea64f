# The two sealing keys. KMS releases their data keys (GenerateDataKey, Decrypt) only to an enclave
# whose attestation document carries one of the allowed PCR0 values (and PCR8 when configured),
# and only as CiphertextForRecipient: encrypted to the enclave's own per-boot RSA key. The
# instance role's credentials alone open nothing.

locals {
  pcr8_conditions = length(var.enclave_pcr8_values) > 0 ? [{
    test     = "StringEqualsIgnoreCase"
    variable = "kms:RecipientAttestation:PCR8"
    values   = var.enclave_pcr8_values
  }] : []
}

data "aws_iam_policy_document" "sealing_key" {
  statement {
    sid    = "KeyAdministrationWithoutUse"
    effect = "Allow"

    principals {
      type        = "AWS"
      identifiers = var.key_admin_arns
    }

    actions = [
      "kms:CancelKeyDeletion",
      "kms:CreateAlias",
      "kms:DeleteAlias",
      "kms:DescribeKey",
      "kms:DisableKey",
      "kms:DisableKeyRotation",
      "kms:EnableKey",
      "kms:EnableKeyRotation",
      "kms:GetKeyPolicy",
      "kms:GetKeyRotationStatus",
      "kms:ListAliases",
      "kms:ListResourceTags",
      "kms:PutKeyPolicy",
      "kms:ScheduleKeyDeletion",
      "kms:TagResource",
      "kms:UntagResource",
      "kms:UpdateAlias",
      "kms:UpdateKeyDescription",
    ]
    resources = ["*"]
  }

  # Absent until the first EIF's PCR0 is known (first apply): then nobody can use the keys.
  dynamic "statement" {
    for_each = length(var.enclave_pcr0_values) > 0 ? ["enclave"] : []
    content {
      sid    = "EnclaveDataKeysOnlyWithAttestation"
      effect = "Allow"

      principals {
        type        = "AWS"
        identifiers = [aws_iam_role.instance.arn]
      }

      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = ["*"]

      condition {
        test     = "StringEqualsIgnoreCase"
        variable = "kms:RecipientAttestation:ImageSha384"
        values   = var.enclave_pcr0_values
      }

      dynamic "condition" {
        for_each = local.pcr8_conditions
        content {
          test     = condition.value.test
          variable = condition.value.variable
          values   = condition.value.values
        }
      }
    }
  }

  # Belt and braces: whatever another statement (or a later edit) allows, nobody gets key
  # material out of these keys without an attestation document.
  statement {
    sid    = "DenyKeyMaterialWithoutAttestation"
    effect = "Deny"

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    actions   = ["kms:Decrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*", "kms:Encrypt"]
    resources = ["*"]

    condition {
      test     = "Null"
      variable = "kms:RecipientAttestation:ImageSha384"
      values   = ["true"]
    }
  }
}

resource "aws_kms_key" "auth_shares" {
  description             = "${var.name}: wraps the data keys that seal wallet auth shares (enclave only)"
  key_usage               = "ENCRYPT_DECRYPT"
  deletion_window_in_days = var.kms_deletion_window_days
  enable_key_rotation     = true
  policy                  = data.aws_iam_policy_document.sealing_key.json

  tags = merge(local.tags, { Name = "${var.name}-auth-shares" })
}

resource "aws_kms_key" "exec_shares" {
  description             = "${var.name}: wraps the data keys that seal wallet exec shares (enclave only)"
  key_usage               = "ENCRYPT_DECRYPT"
  deletion_window_in_days = var.kms_deletion_window_days
  enable_key_rotation     = true
  policy                  = data.aws_iam_policy_document.sealing_key.json

  tags = merge(local.tags, { Name = "${var.name}-exec-shares" })
}

resource "aws_kms_alias" "auth_shares" {
  name          = "alias/${var.name}-auth-shares"
  target_key_id = aws_kms_key.auth_shares.key_id
}

resource "aws_kms_alias" "exec_shares" {
  name          = "alias/${var.name}-exec-shares"
  target_key_id = aws_kms_key.exec_shares.key_id
}
